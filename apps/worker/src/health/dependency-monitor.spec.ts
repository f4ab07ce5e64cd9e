import { DependencyMonitor, describeError } from './dependency-monitor';
import { overallState } from './health.service';

/** A probe the test settles by hand, counting how often it was started. */
class ManualProbe {
  calls = 0;
  private settle?: { resolve: () => void; reject: (e: Error) => void };
  readonly name: string;
  constructor(name: string) {
    this.name = name;
  }
  probe = (): Promise<void> => {
    this.calls += 1;
    return new Promise((resolve, reject) => (this.settle = { resolve, reject }));
  };
  answer(): void {
    this.settle?.resolve();
  }
  fail(message: string): void {
    this.settle?.reject(new Error(message));
  }
}

const flush = () => new Promise((r) => setImmediate(r));

describe('DependencyMonitor', () => {
  let clock = 0;
  const now = () => clock;
  beforeEach(() => (clock = Date.UTC(2026, 0, 1)));

  it.each([
    ['answers', (p: ManualProbe) => p.answer(), 'up', null],
    ['fails', (p: ManualProbe) => p.fail('ECONNREFUSED'), 'down', 'ECONNREFUSED'],
  ])('should record %s as %s with latency and time', async (_, settle, state, error) => {
    const db = new ManualProbe('database');
    const monitor = new DependencyMonitor([db], { intervalMs: 1000, timeoutMs: 500, now });
    const round = monitor.probeAll();
    clock += 42;
    settle(db);
    await round;
    expect(monitor.statuses().database).toEqual({
      state,
      lastCheckedAt: new Date(clock).toISOString(),
      latencyMs: 42,
      lastError: error,
      lastErrorAt: error ? new Date(clock).toISOString() : null,
      since: new Date(clock).toISOString(),
    });
  });

  it('should count a probe that does not answer within the timeout as down, and abort it', async () => {
    let aborted = false;
    const monitor = new DependencyMonitor(
      [
        {
          name: 'bucket',
          probe: (signal) =>
            new Promise((_, reject) =>
              signal.addEventListener('abort', () => {
                aborted = true;
                reject(new Error('aborted'));
              }),
            ),
        },
      ],
      { intervalMs: 1000, timeoutMs: 20 },
    );
    await monitor.probeAll();
    expect(monitor.statuses().bucket).toMatchObject({
      state: 'down',
      lastError: 'no answer within 20 ms',
    });
    expect(aborted).toBe(true);
  });

  it('should never start a second probe while the first is still unanswered (one in flight)', async () => {
    // A stalled MySQL connection ignores the abort: the query stays pending past the timeout.
    const db = new ManualProbe('database');
    const monitor = new DependencyMonitor([db], { intervalMs: 1000, timeoutMs: 10 });
    await monitor.probeAll();
    await monitor.probeAll();
    await monitor.probeAll();
    expect(db.calls).toBe(1);
    expect(monitor.statuses().database.state).toBe('down');
    expect(monitor.statuses().database.lastError).toMatch(/previous probe still unanswered/);
    db.answer();
    await flush();
    const round = monitor.probeAll();
    db.answer();
    await round;
    expect(db.calls).toBe(2);
    expect(monitor.statuses().database.state).toBe('up');
  });

  it('should keep the last error and move `since` only when the state changes', async () => {
    const db = new ManualProbe('database');
    const monitor = new DependencyMonitor([db], { intervalMs: 1000, timeoutMs: 500, now });
    const down = clock;
    let round = monitor.probeAll();
    db.fail('ECONNRESET');
    await round;
    clock += 1000;
    round = monitor.probeAll();
    db.fail('ECONNRESET');
    await round;
    expect(monitor.statuses().database.since).toBe(new Date(down).toISOString());
    clock += 1000;
    round = monitor.probeAll();
    db.answer();
    await round;
    expect(monitor.statuses().database).toMatchObject({
      state: 'up',
      since: new Date(clock).toISOString(),
      lastError: 'ECONNRESET',
      lastErrorAt: new Date(down + 1000).toISOString(),
    });
  });

  it('should probe at start and then once per interval, and stop', async () => {
    const calls: number[] = [];
    const monitor = new DependencyMonitor(
      [{ name: 'database', probe: async () => calls.push(Date.now()) }],
      { intervalMs: 30, timeoutMs: 10 },
    );
    monitor.start();
    await new Promise((r) => setTimeout(r, 200));
    await monitor.stop();
    const counted = calls.length;
    // Started at once, then every 30 ms: a handful in 200 ms, never one per check request.
    expect(counted).toBeGreaterThanOrEqual(2);
    expect(counted).toBeLessThanOrEqual(8);
    await new Promise((r) => setTimeout(r, 100));
    expect(calls.length).toBe(counted);
  });
});

describe('overallState', () => {
  const status = (state: 'unknown' | 'up' | 'down') => ({
    state,
    lastCheckedAt: null,
    latencyMs: null,
    lastError: null,
    lastErrorAt: null,
    since: null,
  });
  it.each([
    [['up', 'up'], 'ok'],
    [['up', 'down'], 'degraded'],
    [['unknown', 'down'], 'degraded'],
    [['unknown', 'up'], 'unknown'],
  ] as const)('%p → %s', (states, expected) => {
    const deps = Object.fromEntries(states.map((s, i) => [`d${i}`, status(s)]));
    expect(overallState(deps)).toBe(expected);
  });
});

describe('describeError', () => {
  it.each([
    [
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
      'connect ECONNREFUSED 127.0.0.1:1',
    ],
    [
      Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
      'ECONNRESET: socket hang up',
    ],
    [Object.assign(new Error(''), { name: 'NotFound' }), 'NotFound'],
    ['plain', 'plain'],
  ])('%p → %s', (error, expected) => {
    expect(describeError(error)).toBe(expected);
  });
});
