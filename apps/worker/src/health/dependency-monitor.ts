/** DependencyState: `unknown` until the first probe has answered (or timed out). */
export type DependencyState = 'unknown' | 'up' | 'down';

/** DependencyStatus is what GET /health/deep reports for one dependency. */
export interface DependencyStatus {
  state: DependencyState;
  /** When the last probe ended (ISO time), null before the first. */
  lastCheckedAt: string | null;
  /** How long the last probe took, in ms (the timeout when it timed out). */
  latencyMs: number | null;
  /** Why the last probe that failed failed (kept after recovery, with lastErrorAt). */
  lastError: string | null;
  lastErrorAt: string | null;
  /** Since when the dependency is in its current state (ISO time). */
  since: string | null;
}

/** DependencyCheck is one dependency: a probe that resolves when it answers. */
export interface DependencyCheck {
  name: string;
  /** probe resolves when the dependency answers; `signal` is aborted at the timeout. */
  probe(signal: AbortSignal): Promise<unknown>;
}

/** DependencyMonitorOptions: how often to probe and how long one probe may take. */
export interface DependencyMonitorOptions {
  intervalMs: number;
  timeoutMs: number;
  /** now is the clock (ms since the epoch); a parameter so specs control time. */
  now?: () => number;
}

interface Tracked {
  check: DependencyCheck;
  status: DependencyStatus;
  /** The probe still running (even past its timeout): a new one starts only when it has settled. */
  inFlight?: Promise<unknown>;
  inFlightSince?: number;
}

/**
 * DependencyMonitor probes the worker's dependencies (database, bucket) in the background, at
 * most once per interval and never more than one probe per dependency at a time, and keeps the
 * last result of each for GET /health/deep. It exists because the balancer's check used to ask
 * S3 and MySQL itself (issue #9): a HeadBucket the local S3 server answers by listing 1,000 keys
 * took 1.4 s under load, every worker failed its check at once and healthy workers were replaced.
 * The cost of probing is now fixed by the interval, whatever the rate of health checks.
 */
export class DependencyMonitor {
  private readonly tracked: Tracked[];
  private readonly now: () => number;
  private timer?: NodeJS.Timeout;
  private round?: Promise<void>;
  private stopped = true;

  constructor(
    checks: DependencyCheck[],
    private readonly options: DependencyMonitorOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.tracked = checks.map((check) => ({
      check,
      status: {
        state: 'unknown',
        lastCheckedAt: null,
        latencyMs: null,
        lastError: null,
        lastErrorAt: null,
        since: null,
      },
    }));
  }

  /** start probes now, then once per interval after each round has ended. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.loop();
  }

  /** stop cancels the next round and resolves once the round in progress has ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.round;
  }

  /** statuses is the last known state of every dependency, by name. */
  statuses(): Record<string, DependencyStatus> {
    return Object.fromEntries(this.tracked.map((t) => [t.check.name, { ...t.status }]));
  }

  /** probeAll runs one round: each dependency probed once, in parallel, each within the timeout. */
  async probeAll(): Promise<void> {
    await Promise.all(this.tracked.map((t) => this.probeOne(t)));
  }

  private loop(): void {
    if (this.stopped) return;
    this.round = this.probeAll().finally(() => {
      this.round = undefined;
      if (this.stopped) return;
      this.timer = setTimeout(() => this.loop(), this.options.intervalMs);
      // A pending probe round must never keep a stopping process alive.
      this.timer.unref();
    });
  }

  private async probeOne(t: Tracked): Promise<void> {
    const { timeoutMs } = this.options;
    if (t.inFlight) {
      // The previous probe never settled (a stalled MySQL connection ignores the abort): do not
      // pile another one on a dependency that is already not answering.
      const waited = this.now() - (t.inFlightSince ?? this.now());
      this.record(t, 'down', waited, `previous probe still unanswered after ${waited} ms`);
      return;
    }
    const started = this.now();
    const controller = new AbortController();
    let probe: Promise<unknown>;
    try {
      probe = t.check.probe(controller.signal);
    } catch (error) {
      probe = Promise.reject(error);
    }
    let settled = false;
    t.inFlight = probe;
    t.inFlightSince = started;
    void probe
      .catch(() => undefined)
      .finally(() => {
        settled = true;
        if (t.inFlight === probe) t.inFlight = undefined;
      });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        // Reject first: the aborted probe's own error must not hide that it timed out.
        reject(new TimeoutError(`no answer within ${timeoutMs} ms`));
        controller.abort();
      }, timeoutMs);
    });
    try {
      await Promise.race([probe, timeout]);
      settled = true;
      this.record(t, 'up', this.now() - started, null);
    } catch (error) {
      // The probe itself failed (not the timer): it is over, the next round may start another.
      if (!(error instanceof TimeoutError)) settled = true;
      this.record(t, 'down', this.now() - started, describeError(error));
    } finally {
      clearTimeout(timer);
      if (settled && t.inFlight === probe) t.inFlight = undefined;
    }
  }

  private record(t: Tracked, state: 'up' | 'down', latencyMs: number, error: string | null): void {
    const at = new Date(this.now()).toISOString();
    const s = t.status;
    if (s.state !== state) s.since = at;
    s.state = state;
    s.lastCheckedAt = at;
    s.latencyMs = latencyMs;
    if (error !== null) {
      s.lastError = error;
      s.lastErrorAt = at;
    }
  }
}

/** TimeoutError marks a probe abandoned at the timeout (it may still be pending). */
class TimeoutError extends Error {}

/** describeError is a short message for an error of any shape (SDK errors have a name only). */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message = error.message || error.name;
    return code && !message.includes(code) ? `${code}: ${message}` : message;
  }
  return String(error);
}
