import { DecisionReason, ORIGINAL_POLICY, TargetHealth } from '@app/contracts';
import {
  decideScale,
  DecisionSample,
  DecisionWorker,
  DEFAULT_COOLDOWN_S,
  DEFAULT_WARMUP_S,
  DEFAULT_WINDOW_S,
  ScaleInput,
} from './scale-decision';

const NOW = new Date('2025-01-01T12:00:00Z');
const ago = (s: number) => new Date(NOW.getTime() - s * 1000);

interface WorkerSpec {
  /** CPU of each sample (one sample 30 s ago, the next 60 s ago, …). */
  cpu: (number | null)[];
  launchedAgoS?: number;
  health?: TargetHealth;
  /** Age of the newest sample (default 30 s). */
  newestAgoS?: number;
}

/** pool builds workers i-00000001… and their samples, 30 s apart going back from `newestAgoS`. */
function pool(specs: WorkerSpec[]): { workers: DecisionWorker[]; samples: DecisionSample[] } {
  const workers: DecisionWorker[] = [];
  const samples: DecisionSample[] = [];
  specs.forEach((spec, i) => {
    const id = `i-${String(i + 1).padStart(8, '0')}`;
    workers.push({
      id,
      launchedAt: ago(spec.launchedAgoS ?? 3600),
      health: spec.health ?? 'healthy',
    });
    spec.cpu.forEach((cpuPercent, k) =>
      samples.push({ instanceId: id, at: ago((spec.newestAgoS ?? 30) + 30 * k), cpuPercent }),
    );
  });
  return { workers, samples };
}

/** steady gives `n` old, healthy workers each at `cpu` % in two samples of the window. */
const steady = (n: number, cpu: number): WorkerSpec[] =>
  Array.from({ length: n }, () => ({ cpu: [cpu, cpu] }));

function input(
  specs: WorkerSpec[],
  overrides: Partial<Omit<ScaleInput, 'workers' | 'samples'>> = {},
  extraSamples: DecisionSample[] = [],
): ScaleInput {
  const { workers, samples } = pool(specs);
  return {
    workers,
    samples: [...samples, ...extraSamples],
    currentSize: workers.length,
    policy: ORIGINAL_POLICY,
    lastChangeAt: null,
    now: NOW,
    windowS: DEFAULT_WINDOW_S,
    cooldownS: DEFAULT_COOLDOWN_S,
    warmupS: DEFAULT_WARMUP_S,
    ...overrides,
  };
}

interface Case {
  name: string;
  input: ScaleInput;
  newSize: number;
  reason: DecisionReason;
  averageCpu?: number | null;
  workersCounted?: number;
}

const cases: Case[] = [
  // The original run (thresholds 20/10, ratios 2/2).
  {
    name: 'original run: 1 worker at 27.3% is above 20%, so the pool doubles 1 → 2',
    input: input(steady(1, 27.3)),
    newSize: 2,
    reason: 'grow',
    averageCpu: 27.3,
    workersCounted: 1,
  },
  {
    name: 'original run: 2 workers averaging 22.3% are above 20%, so the pool doubles 2 → 4',
    input: input([{ cpu: [24.6, 24.6] }, { cpu: [20, 20] }]),
    newSize: 4,
    reason: 'grow',
    averageCpu: 22.3,
    workersCounted: 2,
  },
  {
    name: 'original run: 4 workers at 4.7% are below 10%, so the pool halves 4 → 2',
    input: input(steady(4, 4.7)),
    newSize: 2,
    reason: 'shrink',
    averageCpu: 4.7,
    workersCounted: 4,
  },
  // Policy state.
  {
    name: 'no policy saved yet: the scaler is disabled and keeps the size, even at 90% CPU',
    input: input(steady(1, 90), { policy: null }),
    newSize: 1,
    reason: 'disabled',
    averageCpu: null,
  },
  {
    name: 'a policy saved with enabled=false: disabled, the size is kept',
    input: input(steady(4, 1), { policy: { ...ORIGINAL_POLICY, enabled: false } }),
    newSize: 4,
    reason: 'disabled',
  },
  // Thresholds.
  {
    name: '15% is between 10% and 20%: hold',
    input: input(steady(2, 15)),
    newSize: 2,
    reason: 'hold-within-thresholds',
    averageCpu: 15,
  },
  {
    name: 'exactly the grow threshold (20%) is not above it: hold',
    input: input(steady(2, 20)),
    newSize: 2,
    reason: 'hold-within-thresholds',
  },
  {
    name: 'exactly the shrink threshold (10%) is not below it: hold',
    input: input(steady(2, 10)),
    newSize: 2,
    reason: 'hold-within-thresholds',
  },
  // Ratios and rounding.
  {
    name: 'grow ratio 1.5 from 3 workers: ceil(4.5) = 5',
    input: input(steady(3, 50), { policy: { ...ORIGINAL_POLICY, growRatio: 1.5 } }),
    newSize: 5,
    reason: 'grow',
  },
  {
    name: 'grow ratio 1.1 from 10 workers is 11, not 12 (10 × 1.1 = 11.000000000000002 in floating point)',
    input: input(steady(10, 50), {
      policy: { ...ORIGINAL_POLICY, growRatio: 1.1, maxWorkers: 20 },
    }),
    newSize: 11,
    reason: 'grow',
  },
  {
    name: 'shrink ratio 1.5 from 3 workers: floor(2) = 2',
    input: input(steady(3, 2), { policy: { ...ORIGINAL_POLICY, shrinkRatio: 1.5 } }),
    newSize: 2,
    reason: 'shrink',
  },
  // Bounds.
  {
    name: 'growing 8 × 2 = 16 is capped at the maximum 10',
    input: input(steady(8, 50)),
    newSize: 10,
    reason: 'grow',
  },
  {
    name: 'already at the maximum 10 with 80% CPU: hold at max',
    input: input(steady(10, 80)),
    newSize: 10,
    reason: 'hold-at-max',
    averageCpu: 80,
  },
  {
    name: 'already at the minimum 1 with 2% CPU: hold at min (never 0 workers)',
    input: input(steady(1, 2)),
    newSize: 1,
    reason: 'hold-at-min',
  },
  {
    name: 'shrinking 3 ÷ 4 = 0.75 → 0 is raised to the minimum 1',
    input: input(steady(3, 2), { policy: { ...ORIGINAL_POLICY, shrinkRatio: 4 } }),
    newSize: 1,
    reason: 'shrink',
  },
  {
    name: 'shrinking 6 ÷ 2 = 3 is raised to a minimum of 4',
    input: input(steady(6, 2), { policy: { ...ORIGINAL_POLICY, minWorkers: 4 } }),
    newSize: 4,
    reason: 'shrink',
  },
  {
    name: 'a pool of 1 below a minimum of 2 (set by hand) is brought up to 2, whatever the CPU',
    input: input(steady(1, 2), { policy: { ...ORIGINAL_POLICY, minWorkers: 2 } }),
    newSize: 2,
    reason: 'clamp-to-min',
  },
  {
    name: 'a pool of 6 above a maximum of 4 is brought down to 4, even at 90% CPU',
    input: input(steady(6, 90), { policy: { ...ORIGINAL_POLICY, maxWorkers: 4 } }),
    newSize: 4,
    reason: 'clamp-to-max',
  },
  {
    name: 'a pool of 0 (after "Stopping") below the minimum 1 is brought up without any data',
    input: input([], { currentSize: 0 }),
    newSize: 1,
    reason: 'clamp-to-min',
  },
  // Cooldown.
  {
    name: 'last change 200 s ago, cooldown 300 s: hold even at 90% CPU',
    input: input(steady(2, 90), { lastChangeAt: ago(200) }),
    newSize: 2,
    reason: 'hold-cooldown',
    averageCpu: 90,
  },
  {
    name: 'the cooldown also holds a size outside the bounds until it ends',
    input: input(steady(6, 50), {
      lastChangeAt: ago(10),
      policy: { ...ORIGINAL_POLICY, maxWorkers: 4 },
    }),
    newSize: 6,
    reason: 'hold-cooldown',
  },
  {
    name: 'last change exactly 300 s ago: the cooldown is over, so 90% grows 2 → 4',
    input: input(steady(2, 90), { lastChangeAt: ago(300) }),
    newSize: 4,
    reason: 'grow',
  },
  {
    name: 'a cooldown of 0 lets the scaler act on every evaluation',
    input: input(steady(2, 90), { lastChangeAt: ago(1), cooldownS: 0 }),
    newSize: 4,
    reason: 'grow',
  },
  // Warm-up.
  {
    name: 'a worker launched 60 s ago at 95% start-up CPU is not counted: the old one at 15% holds (counting it, 55% would grow 2 → 4)',
    input: input([{ cpu: [15, 15] }, { cpu: [95, 95], launchedAgoS: 60 }]),
    newSize: 2,
    reason: 'hold-within-thresholds',
    averageCpu: 15,
    workersCounted: 1,
  },
  {
    name: 'a sample taken exactly warmupS (120 s) after its worker launched is counted: 15% and 45% average 30%, grow',
    input: input([{ cpu: [15, 15] }, { cpu: [45, 95], launchedAgoS: 150 }]),
    newSize: 4,
    reason: 'grow',
    averageCpu: 30,
    workersCounted: 2,
  },
  {
    name: 'a worker launched 150 s ago still has start-up samples (95%) in the window: only its sample after the warm-up (15%) counts, so hold (counting them, 61% would grow 2 → 4)',
    input: input([{ cpu: [15, 15] }, { cpu: [15, 95, 95], launchedAgoS: 150 }]),
    newSize: 2,
    reason: 'hold-within-thresholds',
    averageCpu: 15,
    workersCounted: 2,
  },
  {
    name: 'a worker just past its warm-up whose samples all date from the warm-up is warming, not missing: the other one at 2% shrinks 2 → 1',
    input: input([{ cpu: [2, 2] }, { cpu: [70, 70], launchedAgoS: 125 }]),
    newSize: 1,
    reason: 'shrink',
    workersCounted: 1,
  },
  {
    name: 'every worker still warming up: no data to decide on, hold',
    input: input([
      { cpu: [90], launchedAgoS: 30 },
      { cpu: [90], launchedAgoS: 50 },
    ]),
    newSize: 2,
    reason: 'hold-no-data',
    averageCpu: null,
    workersCounted: 0,
  },
  {
    name: 'a warm-up of 0 counts a brand-new worker',
    input: input([{ cpu: [30], launchedAgoS: 5, newestAgoS: 2 }], { warmupS: 0 }),
    newSize: 2,
    reason: 'grow',
  },
  // Missing and stale data.
  {
    name: 'no sample at all from 4 workers: hold (never shrink on missing data)',
    input: input([{ cpu: [] }, { cpu: [] }, { cpu: [] }, { cpu: [] }]),
    newSize: 4,
    reason: 'hold-no-data',
    averageCpu: null,
  },
  {
    name: 'only null CPU samples (first scrapes): hold, nulls are not zeros',
    input: input([{ cpu: [null, null] }, { cpu: [null] }]),
    newSize: 2,
    reason: 'hold-no-data',
  },
  {
    name: 'null samples are skipped, not averaged as 0: [null, 30] is 30% and grows',
    input: input([{ cpu: [null, 30] }]),
    newSize: 2,
    reason: 'grow',
    averageCpu: 30,
  },
  {
    name: 'stale data: the newest samples (2%) are 300 s old, beyond the 120 s window: hold, no shrink',
    input: input([
      { cpu: [2, 2], newestAgoS: 300 },
      { cpu: [2, 2], newestAgoS: 300 },
    ]),
    newSize: 2,
    reason: 'hold-no-data',
  },
  {
    name: 'a sample exactly windowS old is outside the window',
    input: input([
      { cpu: [2], newestAgoS: 120 },
      { cpu: [2], newestAgoS: 120 },
    ]),
    newSize: 2,
    reason: 'hold-no-data',
  },
  {
    name: 'old samples outside the window do not weigh in: 90% now, 1% three minutes ago → grow',
    input: input([{ cpu: [90, 90, 90, 90, 90, 1, 1] }]),
    newSize: 2,
    reason: 'grow',
    averageCpu: 90,
  },
  {
    name: '2 of 4 workers report 2%, 2 are silent: taken at 100% they give 51%, so no shrink',
    input: input([{ cpu: [2, 2] }, { cpu: [2, 2] }, { cpu: [] }, { cpu: [] }]),
    newSize: 4,
    reason: 'hold-no-data',
    averageCpu: 2,
    workersCounted: 2,
  },
  {
    name: '1 of 4 workers reports 60%, 3 are silent: taken at 0% they give 15%, so no grow',
    input: input([{ cpu: [60, 60] }, { cpu: [] }, { cpu: [] }, { cpu: [] }]),
    newSize: 4,
    reason: 'hold-no-data',
    averageCpu: 60,
  },
  {
    name: '1 of 2 workers reports 60%, 1 is silent: even at 0% it is 30%, so the pool grows 2 → 4',
    input: input([{ cpu: [60, 60] }, { cpu: [] }]),
    newSize: 4,
    reason: 'grow',
    workersCounted: 1,
  },
  {
    name: 'no worker in service (pool of 1 still booting): hold',
    input: input([], { currentSize: 1 }),
    newSize: 1,
    reason: 'hold-no-data',
  },
  // Health.
  {
    name: 'an unhealthy worker at 95% is not counted: the healthy one at 15% holds',
    input: input([{ cpu: [15, 15] }, { cpu: [95, 95], health: 'unhealthy' }]),
    newSize: 2,
    reason: 'hold-within-thresholds',
    averageCpu: 15,
    workersCounted: 1,
  },
  {
    name: 'workers in initial or draining health are not counted either: only the healthy 2% one, at the minimum',
    input: input(
      [{ cpu: [2] }, { cpu: [50], health: 'initial' }, { cpu: [50], health: 'draining' }],
      {
        policy: { ...ORIGINAL_POLICY, minWorkers: 3 },
      },
    ),
    newSize: 3,
    reason: 'hold-at-min',
    workersCounted: 1,
  },
  {
    name: 'samples of a worker no longer in the pool are ignored',
    input: input(steady(1, 15), {}, [{ instanceId: 'i-0000dead', at: ago(10), cpuPercent: 99 }]),
    newSize: 1,
    reason: 'hold-within-thresholds',
    averageCpu: 15,
  },
  // Averaging.
  {
    name: 'each worker weighs the same: 3 samples at 10% and 1 at 40% average 25%, not 17.5%',
    input: input([{ cpu: [10, 10, 10] }, { cpu: [40] }]),
    newSize: 4,
    reason: 'grow',
    averageCpu: 25,
  },
];

describe('decideScale', () => {
  it.each(cases)('$name', (c) => {
    const decision = decideScale(c.input);
    expect(decision.newSize).toBe(c.newSize);
    expect(decision.reason).toBe(c.reason);
    if (c.averageCpu !== undefined) expect(decision.averageCpu).toBe(c.averageCpu);
    if (c.workersCounted !== undefined) expect(decision.workersCounted).toBe(c.workersCounted);
    expect(decision.message.length).toBeGreaterThan(10);
  });

  it.each([
    [
      input(steady(1, 27.3)),
      'average CPU 27.3% over 1 worker is above the grow threshold 20%: 1 → 2 (×2)',
    ],
    [
      input(steady(4, 4.7)),
      'average CPU 4.7% over 4 workers is below the shrink threshold 10%: 4 → 2 (÷2)',
    ],
    [
      input(steady(8, 50)),
      'average CPU 50.0% over 8 workers is above the grow threshold 20%: 8 → 10 (×2 = 16, capped at the maximum 10)',
    ],
    [
      input([{ cpu: [15, 15] }, { cpu: [95, 95], launchedAgoS: 60 }]),
      'average CPU 15.0% over 1 worker is within the thresholds 10%–20%: keeping 2 (not counted: 1 warming up)',
    ],
    [
      input(steady(2, 90), { lastChangeAt: ago(200) }),
      'last change 200 s ago, within the 300 s cooldown: keeping 2 (average CPU 90.0% over 2 workers)',
    ],
    [
      input([{ cpu: [2], newestAgoS: 300 }]),
      'the newest CPU sample is 300 s old, older than the 120 s window: keeping 1',
    ],
    [
      input([{ cpu: [2, 2] }, { cpu: [2, 2] }, { cpu: [] }, { cpu: [] }]),
      'average CPU 2.0% over 2 workers is below the shrink threshold 10%, but counting the 2 workers without samples at 100% gives 51.0%: keeping 4 (not counted: 2 without samples)',
    ],
    [input(steady(1, 90), { policy: null }), 'the auto-scaler is disabled until a policy is saved'],
  ])('should explain the decision in words (%#)', (scaleInput, message) => {
    expect(decideScale(scaleInput).message).toBe(message);
  });

  it('should not read the clock: the same input gives the same decision whatever the real time', () => {
    const i = input(steady(2, 90), { lastChangeAt: ago(200) });
    const today = decideScale(i);
    jest.useFakeTimers().setSystemTime(new Date('2031-06-01T00:00:00Z'));
    try {
      expect(decideScale(i)).toEqual(today);
    } finally {
      jest.useRealTimers();
    }
  });
});
