import { DecisionReason } from '@app/contracts';
import {
  decideScale,
  DecisionSample,
  DEFAULT_COOLDOWN_S,
  DEFAULT_INTERVAL_S,
  DEFAULT_WARMUP_S,
  DEFAULT_WINDOW_S,
  PolicyValues,
} from '../decision/scale-decision';
import { LoadTrace } from './load-trace';

/** SIMULATION_EPOCH is time 0 of the virtual clock (any fixed date would do). */
export const SIMULATION_EPOCH = Date.UTC(2025, 0, 1);

/** ScalerTimings are the scaler's configuration the simulation runs with. */
export interface ScalerTimings {
  intervalS: number;
  windowS: number;
  cooldownS: number;
  warmupS: number;
}

/** DEFAULT_TIMINGS are the scaler's defaults (SCALER_INTERVAL_S etc.). */
export const DEFAULT_TIMINGS: ScalerTimings = {
  intervalS: DEFAULT_INTERVAL_S,
  windowS: DEFAULT_WINDOW_S,
  cooldownS: DEFAULT_COOLDOWN_S,
  warmupS: DEFAULT_WARMUP_S,
};

/** SimulatedDecision is one evaluation of the policy on the virtual clock. */
export interface SimulatedDecision {
  t: number;
  sizeBefore: number;
  sizeAfter: number;
  reason: DecisionReason;
  message: string;
  averageCpu: number | null;
}

/** TimelinePoint is the pool at one sample time. */
export interface TimelinePoint {
  t: number;
  /** Desired size. */
  size: number;
  /** Workers in service (booted, behind the balancer). */
  inService: number;
  /** Average CPU of the workers in service (null when none is). */
  averageCpu: number | null;
  requestsPerSecond: number;
}

/** SimulationTotals sum a run up. */
export interface SimulationTotals {
  durationMin: number;
  /** Minutes of every launched worker (booting ones too): what the pool costs. */
  workerMinutes: number;
  /** Minutes the pool's average CPU was above the grow threshold: users waiting. */
  minutesAboveGrowThreshold: number;
  minutesBelowShrinkThreshold: number;
  changes: number;
  peakSize: number;
}

/** SimulationResult is everything a run produced. */
export interface SimulationResult {
  trace: LoadTrace;
  policy: PolicyValues;
  timings: ScalerTimings;
  /** The initial size and the size after each change, e.g. [1, 2, 4, 2]. */
  sizes: number[];
  changes: SimulatedDecision[];
  decisions: SimulatedDecision[];
  timeline: TimelinePoint[];
  totals: SimulationTotals;
}

interface SimWorker {
  id: string;
  launchedAt: number;
  inServiceAt: number;
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/**
 * simulate replays a load trace on a virtual clock through the SAME decideScale the scaler runs:
 * every `sampleS` each worker in service yields a CPU sample from the trace's CPU model, every
 * `intervalS` the policy is evaluated, and a change launches workers (in service after `bootS`)
 * or removes the newest ones. Deterministic: the same inputs give the same result.
 */
export function simulate(
  trace: LoadTrace,
  policy: PolicyValues,
  timings: ScalerTimings = DEFAULT_TIMINGS,
): SimulationResult {
  const step = trace.sampleS;
  const endS = trace.steps.reduce((s, x) => s + x.durationS, 0);
  const rpsAt = (t: number) => {
    let start = 0;
    for (const s of trace.steps) {
      if (t < start + s.durationS) return s.requestsPerSecond;
      start += s.durationS;
    }
    return 0;
  };
  let next = 1;
  const launch = (at: number): SimWorker => {
    const id = `i-${(next++).toString(16).padStart(8, '0')}`;
    return { id, launchedAt: at, inServiceAt: at + trace.bootS };
  };
  // The initial pool has been up for an hour: warm and in service.
  let workers: SimWorker[] = Array.from({ length: trace.initialSize }, () => launch(-3600));
  let size = trace.initialSize;
  let lastChangeAt: number | null = null;
  let samples: DecisionSample[] = [];
  const timeline: TimelinePoint[] = [];
  const decisions: SimulatedDecision[] = [];
  let workerSeconds = 0;
  let aboveS = 0;
  let belowS = 0;
  let peakSize = size;

  for (let t = step; t <= endS + 1e-9; t = round(t + step, 6)) {
    // The sample ending at t covers (t - step, t]; its load is the one in the middle.
    const rps = rpsAt(t - step / 2);
    const serving = workers.filter((w) => w.inServiceAt <= t - step / 2);
    const loadCpu = serving.length
      ? trace.cpu.baseCpu + (trace.cpu.perRequestCpu * rps) / serving.length
      : 0;
    const cpus = serving.map((w) => {
      const starting = t - w.inServiceAt < trace.cpu.startupS;
      return Math.min(100, loadCpu + (starting ? trace.cpu.startupCpu : 0));
    });
    serving.forEach((w, i) =>
      samples.push({
        instanceId: w.id,
        at: new Date(SIMULATION_EPOCH + t * 1000),
        cpuPercent: round(cpus[i]!),
      }),
    );
    const averageCpu = cpus.length ? cpus.reduce((a, b) => a + b, 0) / cpus.length : null;
    workerSeconds += workers.length * step;
    if (averageCpu !== null && averageCpu > policy.growThreshold) aboveS += step;
    if (averageCpu !== null && averageCpu < policy.shrinkThreshold) belowS += step;

    if (Math.abs(t / timings.intervalS - Math.round(t / timings.intervalS)) < 1e-9) {
      const now = new Date(SIMULATION_EPOCH + t * 1000);
      samples = samples.filter((s) => s.at.getTime() > now.getTime() - 2 * timings.windowS * 1000);
      const outcome = decideScale({
        samples,
        // A booting worker runs but has not passed its health checks: 'initial', not in service.
        workers: workers.map((w) => ({
          id: w.id,
          launchedAt: new Date(SIMULATION_EPOCH + w.launchedAt * 1000),
          health: w.inServiceAt <= t ? ('healthy' as const) : ('initial' as const),
        })),
        launching: 0,
        currentSize: size,
        policy,
        lastChangeAt:
          lastChangeAt === null ? null : new Date(SIMULATION_EPOCH + lastChangeAt * 1000),
        now,
        ...timings,
      });
      decisions.push({
        t,
        sizeBefore: size,
        sizeAfter: outcome.newSize,
        reason: outcome.reason,
        message: outcome.message,
        averageCpu: outcome.averageCpu,
      });
      if (outcome.newSize !== size) {
        while (workers.length < outcome.newSize) workers.push(launch(t));
        // Like the fleet: the newest workers (still booting, if any) go first.
        workers = workers.slice(0, outcome.newSize);
        size = outcome.newSize;
        lastChangeAt = t;
        peakSize = Math.max(peakSize, size);
      }
    }
    timeline.push({
      t,
      size,
      inService: workers.filter((w) => w.inServiceAt <= t).length,
      averageCpu: averageCpu === null ? null : round(averageCpu),
      requestsPerSecond: rps,
    });
  }

  const changes = decisions.filter((d) => d.sizeAfter !== d.sizeBefore);
  return {
    trace,
    policy,
    timings,
    sizes: [trace.initialSize, ...changes.map((c) => c.sizeAfter)],
    changes,
    decisions,
    timeline,
    totals: {
      durationMin: round(endS / 60),
      workerMinutes: round(workerSeconds / 60),
      minutesAboveGrowThreshold: round(aboveS / 60),
      minutesBelowShrinkThreshold: round(belowS / 60),
      changes: changes.length,
      peakSize,
    },
  };
}
