import {
  DecisionReason,
  HOLD_LAUNCHING,
  HOLD_NO_SAMPLES,
  ORIGINAL_POLICY,
  TargetHealth,
} from '@app/contracts';
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
    launching: 0,
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
  /** What the case shows and why the outcome follows from the input (its explanation). */
  name: string;
  input: ScaleInput;
  newSize: number;
  reason: DecisionReason;
  averageCpu: number | null;
  workersCounted: number;
  message: string;
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
    message: 'average CPU 27.3% over 1 worker is above the grow threshold 20%: 1 → 2 (×2)',
  },
  {
    name: 'original run: 2 workers averaging 22.3% are above 20%, so the pool doubles 2 → 4',
    input: input([{ cpu: [24.6, 24.6] }, { cpu: [20, 20] }]),
    newSize: 4,
    reason: 'grow',
    averageCpu: 22.3,
    workersCounted: 2,
    message: 'average CPU 22.3% over 2 workers is above the grow threshold 20%: 2 → 4 (×2)',
  },
  {
    name: 'original run: 4 workers at 4.7% are below 10%, so the pool halves 4 → 2',
    input: input(steady(4, 4.7)),
    newSize: 2,
    reason: 'shrink',
    averageCpu: 4.7,
    workersCounted: 4,
    message: 'average CPU 4.7% over 4 workers is below the shrink threshold 10%: 4 → 2 (÷2)',
  },
  // Policy state.
  {
    name: 'no policy saved yet: the scaler is disabled and keeps the size, even at 90% CPU',
    input: input(steady(1, 90), { policy: null }),
    newSize: 1,
    reason: 'disabled',
    averageCpu: null,
    workersCounted: 0,
    message: 'the auto-scaler is disabled until a policy is saved',
  },
  {
    name: 'a policy saved with enabled=false: disabled, the size is kept',
    input: input(steady(4, 1), { policy: { ...ORIGINAL_POLICY, enabled: false } }),
    newSize: 4,
    reason: 'disabled',
    averageCpu: null,
    workersCounted: 0,
    message: 'the auto-scaler is disabled',
  },
  // Thresholds.
  {
    name: '15% is between 10% and 20%: hold',
    input: input(steady(2, 15)),
    newSize: 2,
    reason: 'hold-within-thresholds',
    averageCpu: 15,
    workersCounted: 2,
    message: 'average CPU 15.0% over 2 workers is within the thresholds 10%–20%: keeping 2',
  },
  {
    name: 'exactly the grow threshold (20%) is not above it: hold',
    input: input(steady(2, 20)),
    newSize: 2,
    reason: 'hold-within-thresholds',
    averageCpu: 20,
    workersCounted: 2,
    message: 'average CPU 20.0% over 2 workers is within the thresholds 10%–20%: keeping 2',
  },
  {
    name: 'exactly the shrink threshold (10%) is not below it: hold',
    input: input(steady(2, 10)),
    newSize: 2,
    reason: 'hold-within-thresholds',
    averageCpu: 10,
    workersCounted: 2,
    message: 'average CPU 10.0% over 2 workers is within the thresholds 10%–20%: keeping 2',
  },
  // Ratios and rounding.
  {
    name: 'grow ratio 1.5 from 3 workers: ceil(4.5) = 5',
    input: input(steady(3, 50), { policy: { ...ORIGINAL_POLICY, growRatio: 1.5 } }),
    newSize: 5,
    reason: 'grow',
    averageCpu: 50,
    workersCounted: 3,
    message: 'average CPU 50.0% over 3 workers is above the grow threshold 20%: 3 → 5 (×1.5)',
  },
  {
    name: 'grow ratio 1.1 from 10 workers is 11, not 12 (10 × 1.1 = 11.000000000000002 in floating point)',
    input: input(steady(10, 50), {
      policy: { ...ORIGINAL_POLICY, growRatio: 1.1, maxWorkers: 20 },
    }),
    newSize: 11,
    reason: 'grow',
    averageCpu: 50,
    workersCounted: 10,
    message: 'average CPU 50.0% over 10 workers is above the grow threshold 20%: 10 → 11 (×1.1)',
  },
  {
    name: 'shrink ratio 1.5 from 3 workers: floor(2) = 2',
    input: input(steady(3, 2), { policy: { ...ORIGINAL_POLICY, shrinkRatio: 1.5 } }),
    newSize: 2,
    reason: 'shrink',
    averageCpu: 2,
    workersCounted: 3,
    message: 'average CPU 2.0% over 3 workers is below the shrink threshold 10%: 3 → 2 (÷1.5)',
  },
  // Bounds.
  {
    name: 'growing 8 × 2 = 16 is capped at the maximum 10',
    input: input(steady(8, 50)),
    newSize: 10,
    reason: 'grow',
    averageCpu: 50,
    workersCounted: 8,
    message:
      'average CPU 50.0% over 8 workers is above the grow threshold 20%: 8 → 10 (×2 = 16, capped at the maximum 10)',
  },
  {
    name: 'already at the maximum 10 with 80% CPU: hold at max',
    input: input(steady(10, 80)),
    newSize: 10,
    reason: 'hold-at-max',
    averageCpu: 80,
    workersCounted: 10,
    message:
      'average CPU 80.0% over 10 workers is above the grow threshold 20%, but the pool is at its maximum of 10',
  },
  {
    name: 'already at the minimum 1 with 2% CPU: hold at min (never 0 workers)',
    input: input(steady(1, 2)),
    newSize: 1,
    reason: 'hold-at-min',
    averageCpu: 2,
    workersCounted: 1,
    message:
      'average CPU 2.0% over 1 worker is below the shrink threshold 10%, but the pool is at its minimum of 1',
  },
  {
    name: 'shrinking 3 ÷ 4 = 0.75 → 0 is raised to the minimum 1',
    input: input(steady(3, 2), { policy: { ...ORIGINAL_POLICY, shrinkRatio: 4 } }),
    newSize: 1,
    reason: 'shrink',
    averageCpu: 2,
    workersCounted: 3,
    message:
      'average CPU 2.0% over 3 workers is below the shrink threshold 10%: 3 → 1 (÷4 = 0, raised to the minimum 1)',
  },
  {
    name: 'shrinking 6 ÷ 2 = 3 is raised to a minimum of 4',
    input: input(steady(6, 2), { policy: { ...ORIGINAL_POLICY, minWorkers: 4 } }),
    newSize: 4,
    reason: 'shrink',
    averageCpu: 2,
    workersCounted: 6,
    message:
      'average CPU 2.0% over 6 workers is below the shrink threshold 10%: 6 → 4 (÷2 = 3, raised to the minimum 4)',
  },
  {
    name: 'a pool of 1 below a minimum of 2 (set by hand) is brought up to 2, whatever the CPU',
    input: input(steady(1, 2), { policy: { ...ORIGINAL_POLICY, minWorkers: 2 } }),
    newSize: 2,
    reason: 'clamp-to-min',
    averageCpu: 2,
    workersCounted: 1,
    message: "the pool of 1 is below the policy's minimum: 1 → 2",
  },
  {
    name: 'a pool of 6 above a maximum of 4 is brought down to 4, even at 90% CPU',
    input: input(steady(6, 90), { policy: { ...ORIGINAL_POLICY, maxWorkers: 4 } }),
    newSize: 4,
    reason: 'clamp-to-max',
    averageCpu: 90,
    workersCounted: 6,
    message: "the pool of 6 is above the policy's maximum: 6 → 4",
  },
  {
    name: 'a pool of 0 (after "Stopping") below the minimum 1 is brought up without any data',
    input: input([], { currentSize: 0 }),
    newSize: 1,
    reason: 'clamp-to-min',
    averageCpu: null,
    workersCounted: 0,
    message: "the pool of 0 is below the policy's minimum: 0 → 1",
  },
  // Cooldown.
  {
    name: 'last change 200 s ago, cooldown 300 s: hold even at 90% CPU',
    input: input(steady(2, 90), { lastChangeAt: ago(200) }),
    newSize: 2,
    reason: 'hold-cooldown',
    averageCpu: 90,
    workersCounted: 2,
    message:
      'last change 200 s ago, within the 300 s cooldown: keeping 2 (average CPU 90.0% over 2 workers)',
  },
  {
    name: 'the cooldown also holds a size outside the bounds until it ends',
    input: input(steady(6, 50), {
      lastChangeAt: ago(10),
      policy: { ...ORIGINAL_POLICY, maxWorkers: 4 },
    }),
    newSize: 6,
    reason: 'hold-cooldown',
    averageCpu: 50,
    workersCounted: 6,
    message:
      'last change 10 s ago, within the 300 s cooldown: keeping 6 (average CPU 50.0% over 6 workers)',
  },
  {
    name: 'last change exactly 300 s ago: the cooldown is over, so 90% grows 2 → 4',
    input: input(steady(2, 90), { lastChangeAt: ago(300) }),
    newSize: 4,
    reason: 'grow',
    averageCpu: 90,
    workersCounted: 2,
    message: 'average CPU 90.0% over 2 workers is above the grow threshold 20%: 2 → 4 (×2)',
  },
  {
    name: 'a cooldown of 0 lets the scaler act on every evaluation',
    input: input(steady(2, 90), { lastChangeAt: ago(1), cooldownS: 0 }),
    newSize: 4,
    reason: 'grow',
    averageCpu: 90,
    workersCounted: 2,
    message: 'average CPU 90.0% over 2 workers is above the grow threshold 20%: 2 → 4 (×2)',
  },
  // Warm-up.
  {
    name: 'a worker launched 60 s ago at 95% start-up CPU is not counted: the old one at 15% holds (counting it, 55% would grow 2 → 4)',
    input: input([{ cpu: [15, 15] }, { cpu: [95, 95], launchedAgoS: 60 }]),
    newSize: 2,
    reason: 'hold-within-thresholds',
    averageCpu: 15,
    workersCounted: 1,
    message:
      'average CPU 15.0% over 1 worker is within the thresholds 10%–20%: keeping 2 (not counted: 1 warming up)',
  },
  {
    name: 'a sample taken exactly warmupS (120 s) after its worker launched is counted: 15% and 45% average 30%, grow',
    input: input([{ cpu: [15, 15] }, { cpu: [45, 95], launchedAgoS: 150 }]),
    newSize: 4,
    reason: 'grow',
    averageCpu: 30,
    workersCounted: 2,
    message: 'average CPU 30.0% over 2 workers is above the grow threshold 20%: 2 → 4 (×2)',
  },
  {
    name: 'a worker launched 150 s ago still has start-up samples (95%) in the window: only its sample after the warm-up (15%) counts, so hold (counting them, 61% would grow 2 → 4)',
    input: input([{ cpu: [15, 15] }, { cpu: [15, 95, 95], launchedAgoS: 150 }]),
    newSize: 2,
    reason: 'hold-within-thresholds',
    averageCpu: 15,
    workersCounted: 2,
    message: 'average CPU 15.0% over 2 workers is within the thresholds 10%–20%: keeping 2',
  },
  {
    name: 'a worker just past its warm-up whose samples all date from the warm-up is warming, not missing: the other one at 2% shrinks 2 → 1',
    input: input([{ cpu: [2, 2] }, { cpu: [70, 70], launchedAgoS: 125 }]),
    newSize: 1,
    reason: 'shrink',
    averageCpu: 2,
    workersCounted: 1,
    message:
      'average CPU 2.0% over 1 worker is below the shrink threshold 10%: 2 → 1 (÷2) (not counted: 1 warming up)',
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
    message:
      'no CPU sample in the past 120 s from a counted worker (not counted: 2 warming up): keeping 2',
  },
  {
    name: 'a warm-up of 0 counts a brand-new worker',
    input: input([{ cpu: [30], launchedAgoS: 5, newestAgoS: 2 }], { warmupS: 0 }),
    newSize: 2,
    reason: 'grow',
    averageCpu: 30,
    workersCounted: 1,
    message: 'average CPU 30.0% over 1 worker is above the grow threshold 20%: 1 → 2 (×2)',
  },
  // Missing and stale data.
  {
    name: 'overload: 4 warmed-up workers in service and no sample at all in the window (their scrapes time out): hold-no-samples, never shrink on missing data',
    input: input([{ cpu: [] }, { cpu: [] }, { cpu: [] }, { cpu: [] }]),
    newSize: 4,
    reason: HOLD_NO_SAMPLES,
    averageCpu: null,
    workersCounted: 0,
    message:
      '4 workers in service, but none sent a CPU sample in the past 120 s (overloaded workers may fail to answer the metrics scrape): keeping 4, never shrinking on missing data',
  },
  {
    name: 'only null CPU samples (first scrapes): hold-no-samples, nulls are not zeros',
    input: input([{ cpu: [null, null] }, { cpu: [null] }]),
    newSize: 2,
    reason: HOLD_NO_SAMPLES,
    averageCpu: null,
    workersCounted: 0,
    message:
      '2 workers in service, but none sent a CPU sample in the past 120 s (overloaded workers may fail to answer the metrics scrape): keeping 2, never shrinking on missing data',
  },
  {
    name: 'null samples are skipped, not averaged as 0: [null, 30] is 30% and grows',
    input: input([{ cpu: [null, 30] }]),
    newSize: 2,
    reason: 'grow',
    averageCpu: 30,
    workersCounted: 1,
    message: 'average CPU 30.0% over 1 worker is above the grow threshold 20%: 1 → 2 (×2)',
  },
  {
    name: 'stale data: the newest samples (2%) are 300 s old, beyond the 120 s window: hold-no-samples, no shrink',
    input: input([
      { cpu: [2, 2], newestAgoS: 300 },
      { cpu: [2, 2], newestAgoS: 300 },
    ]),
    newSize: 2,
    reason: HOLD_NO_SAMPLES,
    averageCpu: null,
    workersCounted: 0,
    message:
      '2 workers in service, but the newest CPU sample is 300 s old, older than the 120 s window (overloaded workers may fail to answer the metrics scrape): keeping 2, never shrinking on missing data',
  },
  {
    name: 'a sample exactly windowS old is outside the window: hold-no-samples',
    input: input([
      { cpu: [2], newestAgoS: 120 },
      { cpu: [2], newestAgoS: 120 },
    ]),
    newSize: 2,
    reason: HOLD_NO_SAMPLES,
    averageCpu: null,
    workersCounted: 0,
    message:
      '2 workers in service, but the newest CPU sample is 120 s old, older than the 120 s window (overloaded workers may fail to answer the metrics scrape): keeping 2, never shrinking on missing data',
  },
  {
    name: 'old samples outside the window do not weigh in: 90% now, 1% three minutes ago → grow',
    input: input([{ cpu: [90, 90, 90, 90, 90, 1, 1] }]),
    newSize: 2,
    reason: 'grow',
    averageCpu: 90,
    workersCounted: 1,
    message: 'average CPU 90.0% over 1 worker is above the grow threshold 20%: 1 → 2 (×2)',
  },
  {
    name: '2 of 4 workers report 2%, 2 are silent: taken at 100% they give 51%, so no shrink',
    input: input([{ cpu: [2, 2] }, { cpu: [2, 2] }, { cpu: [] }, { cpu: [] }]),
    newSize: 4,
    reason: 'hold-no-data',
    averageCpu: 2,
    workersCounted: 2,
    message:
      'average CPU 2.0% over 2 workers is below the shrink threshold 10%, but counting the 2 workers without samples at 100% gives 51.0%: keeping 4 (not counted: 2 without samples)',
  },
  {
    name: '1 of 4 workers reports 60%, 3 are silent: taken at 0% they give 15%, so no grow',
    input: input([{ cpu: [60, 60] }, { cpu: [] }, { cpu: [] }, { cpu: [] }]),
    newSize: 4,
    reason: 'hold-no-data',
    averageCpu: 60,
    workersCounted: 1,
    message:
      'average CPU 60.0% over 1 worker is above the grow threshold 20%, but counting the 3 workers without samples at 0% gives 15.0%: keeping 4 (not counted: 3 without samples)',
  },
  {
    name: '1 of 2 workers reports 60%, 1 is silent: even at 0% it is 30%, so the pool grows 2 → 4',
    input: input([{ cpu: [60, 60] }, { cpu: [] }]),
    newSize: 4,
    reason: 'grow',
    averageCpu: 60,
    workersCounted: 1,
    message:
      'average CPU 60.0% over 1 worker is above the grow threshold 20%: 2 → 4 (×2) (not counted: 1 without samples)',
  },
  {
    name: 'no worker in service (pool of 1 still booting): hold',
    input: input([], { currentSize: 1 }),
    newSize: 1,
    reason: 'hold-no-data',
    averageCpu: null,
    workersCounted: 0,
    message: 'no worker is in service: keeping 1',
  },
  // Health.
  {
    name: 'an unhealthy worker at 95% is not counted: the healthy one at 15% holds',
    input: input([{ cpu: [15, 15] }, { cpu: [95, 95], health: 'unhealthy' }]),
    newSize: 2,
    reason: 'hold-within-thresholds',
    averageCpu: 15,
    workersCounted: 1,
    message:
      'average CPU 15.0% over 1 worker is within the thresholds 10%–20%: keeping 2 (not counted: 1 not healthy)',
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
    averageCpu: 2,
    workersCounted: 1,
    message:
      'average CPU 2.0% over 1 worker is below the shrink threshold 10%, but the pool is at its minimum of 3 (not counted: 2 not healthy)',
  },
  {
    name: 'samples of a worker no longer in the pool are ignored',
    input: input(steady(1, 15), {}, [{ instanceId: 'i-0000dead', at: ago(10), cpuPercent: 99 }]),
    newSize: 1,
    reason: 'hold-within-thresholds',
    averageCpu: 15,
    workersCounted: 1,
    message: 'average CPU 15.0% over 1 worker is within the thresholds 10%–20%: keeping 1',
  },
  // Capacity in service (issue #9: 4 → 8 → 10 while 2 workers served).
  {
    name: 'runaway: desired 4, 2 in service at 50%, 2 still launching: hold until they serve (growing 4 × 2 = 8 counted capacity that does not serve)',
    input: input(steady(2, 50), { currentSize: 4, launching: 2 }),
    newSize: 4,
    reason: HOLD_LAUNCHING,
    averageCpu: 50,
    workersCounted: 2,
    message:
      'holding: 2 of 4 workers still launching; average CPU 50.0% over 2 workers is above the grow threshold 20%, but the previous grow has not landed: keeping 4',
  },
  {
    name: 'runaway: desired 4, 2 in service at 50%, 2 running but not through their first health checks (initial): hold',
    input: input([
      ...steady(2, 50),
      { cpu: [], health: 'initial', launchedAgoS: 20 },
      { cpu: [], health: 'initial', launchedAgoS: 20 },
    ]),
    newSize: 4,
    reason: HOLD_LAUNCHING,
    averageCpu: 50,
    workersCounted: 2,
    message:
      'holding: 2 of 4 workers still launching; average CPU 50.0% over 2 workers is above the grow threshold 20%, but the previous grow has not landed: keeping 4 (not counted: 2 not healthy)',
  },
  {
    name: 'desired 4, 3 in service at 50%, 1 unhealthy: hold, the missing capacity is being replaced',
    input: input([...steady(3, 50), { cpu: [], health: 'unhealthy' }]),
    newSize: 4,
    reason: HOLD_LAUNCHING,
    averageCpu: 50,
    workersCounted: 3,
    message:
      'holding: 1 of 4 workers not in service (1 unhealthy); average CPU 50.0% over 3 workers is above the grow threshold 20%, but the previous grow has not landed: keeping 4 (not counted: 1 not healthy)',
  },
  {
    name: 'desired 4, only 2 in service at 50% and none launching (launches failed): ×2 from the 2 in service is 4, not above 4: hold (the desired size would have doubled to 8)',
    input: input(steady(2, 50), { currentSize: 4 }),
    newSize: 4,
    reason: HOLD_LAUNCHING,
    averageCpu: 50,
    workersCounted: 2,
    message:
      'holding: only 2 of 4 workers in service and none launching (failed launches?); average CPU 50.0% over 2 workers is above the grow threshold 20%, but 2 in service ×2 = 4 is not above 4: keeping 4',
  },
  {
    name: 'desired 4, 3 in service at 50%, none launching: grow from the in-service size, ceil(3 × 2) = 6 (not 4 × 2 = 8)',
    input: input(steady(3, 50), { currentSize: 4 }),
    newSize: 6,
    reason: 'grow',
    averageCpu: 50,
    workersCounted: 3,
    message:
      'average CPU 50.0% over 3 workers is above the grow threshold 20%: 4 → 6 (3 in service ×2)',
  },
  {
    name: 'desired 4, 2 in service at 2%, 2 still launching: a shrink is not held, floor(4 ÷ 2) = 2',
    input: input(steady(2, 2), { currentSize: 4, launching: 2 }),
    newSize: 2,
    reason: 'shrink',
    averageCpu: 2,
    workersCounted: 2,
    message: 'average CPU 2.0% over 2 workers is below the shrink threshold 10%: 4 → 2 (÷2)',
  },
  {
    name: 'overload: the last samples of 4 workers (2%) are 200 s old, samples stopped: hold-no-samples, no shrink to 2',
    input: input([
      { cpu: [2], newestAgoS: 200 },
      { cpu: [2], newestAgoS: 200 },
      { cpu: [2], newestAgoS: 200 },
      { cpu: [2], newestAgoS: 200 },
    ]),
    newSize: 4,
    reason: HOLD_NO_SAMPLES,
    averageCpu: null,
    workersCounted: 0,
    message:
      '4 workers in service, but the newest CPU sample is 200 s old, older than the 120 s window (overloaded workers may fail to answer the metrics scrape): keeping 4, never shrinking on missing data',
  },
  // Manual changes.
  {
    name: 'a manual change 30 s ago starts the cooldown: 3 workers at 2% are not shrunk back',
    input: input(steady(3, 2), { lastChangeAt: ago(30), lastChangeBy: 'manual' }),
    newSize: 3,
    reason: 'hold-cooldown',
    averageCpu: 2,
    workersCounted: 3,
    message:
      'manual change 30 s ago, within the 300 s cooldown: keeping 3 (average CPU 2.0% over 3 workers)',
  },
  // Averaging.
  {
    name: 'each worker weighs the same: 3 samples at 10% and 1 at 40% average 25%, not 17.5%',
    input: input([{ cpu: [10, 10, 10] }, { cpu: [40] }]),
    newSize: 4,
    reason: 'grow',
    averageCpu: 25,
    workersCounted: 2,
    message: 'average CPU 25.0% over 2 workers is above the grow threshold 20%: 2 → 4 (×2)',
  },
];

describe('decideScale', () => {
  it.each(cases)('$name', (c) => {
    // Every output, so a changed message or average is a failing case, not a silent change.
    expect(decideScale(c.input)).toEqual({
      newSize: c.newSize,
      reason: c.reason,
      averageCpu: c.averageCpu,
      workersCounted: c.workersCounted,
      message: c.message,
    });
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
      '1 worker in service, but the newest CPU sample is 300 s old, older than the 120 s window (overloaded workers may fail to answer the metrics scrape): keeping 1, never shrinking on missing data',
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
