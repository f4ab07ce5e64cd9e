import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { parsePolicy, parseTrace, TraceError } from './load-trace';
import { runSimulation } from './simulate.main';
import { simulate } from './simulator';

const ROOT = join(__dirname, '..', '..', '..', '..');
const ORIGINAL_TRACE = join(ROOT, 'bench', 'traces', 'original.json');
const ORIGINAL_POLICY = join(ROOT, 'bench', 'policies', 'original.json');

describe('simulator', () => {
  let out: string;

  beforeEach(() => {
    out = mkdtempSync(join(tmpdir(), 'ebbflow-sim-'));
  });

  afterEach(() => rmSync(out, { recursive: true, force: true }));

  it('should replay the original trace with the original policy as 1 → 2 → 4 → 2 and write the chart and totals', () => {
    const { result, files } = runSimulation({
      tracePath: ORIGINAL_TRACE,
      policyPath: ORIGINAL_POLICY,
      outDir: out,
    });

    expect(result.sizes).toEqual([1, 2, 4, 2]);
    expect(result.changes.map((c) => [c.t, c.reason])).toEqual([
      [60, 'grow'],
      [360, 'grow'],
      [1020, 'shrink'],
    ]);
    expect(result.changes[0]!.message).toBe(
      'average CPU 27.3% over 1 worker is above the grow threshold 20%: 1 → 2 (×2)',
    );
    expect(result.changes[2]!.averageCpu).toBe(4.7);
    expect(result.totals).toMatchObject({ durationMin: 20, changes: 3, peakSize: 4 });
    // 1 worker for 1 min, 2 for 5, 4 for 11, 2 for 3: 1 + 10 + 44 + 6 = 61 worker-minutes.
    expect(result.totals.workerMinutes).toBe(61);

    const svg = readFileSync(files.svg, 'utf8');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('1→2');
    expect(svg).toContain('4→2');
    expect(JSON.parse(readFileSync(files.json, 'utf8'))).toMatchObject({
      sizes: [1, 2, 4, 2],
      totals: result.totals,
    });
    expect(readFileSync(files.markdown, 'utf8')).toContain('| sizes | 1 → 2 → 4 → 2 |');
  });

  it('should show why warm-up matters: with a 150 s cooldown, counting start-up CPU overshoots to 8 workers', () => {
    const trace = parseTrace(JSON.parse(readFileSync(ORIGINAL_TRACE, 'utf8')));
    const policy = parsePolicy(JSON.parse(readFileSync(ORIGINAL_POLICY, 'utf8')));
    const timings = { intervalS: 60, windowS: 120, cooldownS: 150 };

    const counted = simulate(trace, policy, { ...timings, warmupS: 0 });
    const excluded = simulate(trace, policy, { ...timings, warmupS: 120 });

    expect(counted.sizes).toEqual([1, 2, 4, 8, 4, 2]);
    expect(excluded.sizes).toEqual([1, 2, 4, 2, 1]);
    expect(excluded.totals.workerMinutes).toBeLessThan(counted.totals.workerMinutes);
  });

  it('should be deterministic', () => {
    const trace = parseTrace(JSON.parse(readFileSync(ORIGINAL_TRACE, 'utf8')));
    const policy = parsePolicy(JSON.parse(readFileSync(ORIGINAL_POLICY, 'utf8')));
    expect(simulate(trace, policy)).toEqual(simulate(trace, policy));
  });

  it.each([
    [{ steps: [] }, 'steps: steps must hold at least one step'],
    [
      { cpu: { baseCpu: 1, perRequestCpu: 1 }, steps: [{ durationS: -5, requestsPerSecond: 1 }] },
      'steps.0.durationS',
    ],
    [
      {
        cpu: { baseCpu: 1, perRequestCpu: 1 },
        steps: [{ durationS: 5, requestsPerSecond: 1 }],
        extra: 1,
      },
      'Unrecognized key',
    ],
  ])('should refuse a bad trace naming the field (%#)', (json, message) => {
    expect(() => parseTrace(json)).toThrow(TraceError);
    expect(() => parseTrace(json)).toThrow(message);
  });

  it('should refuse a bad policy with the same rules as PUT /api/policy', () => {
    expect(() =>
      parsePolicy({ growThreshold: 10, shrinkThreshold: 20, growRatio: 2, shrinkRatio: 2 }),
    ).toThrow('shrinkThreshold must be below growThreshold');
  });

  it('should report an unreadable trace file by name', () => {
    expect(() => runSimulation({ tracePath: join(out, 'missing.json'), outDir: out })).toThrow(
      /cannot read the trace file .*missing\.json/,
    );
  });
});
