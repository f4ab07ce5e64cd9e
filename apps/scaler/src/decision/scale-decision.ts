import {
  DecisionReason,
  HOLD_LAUNCHING,
  HOLD_NO_SAMPLES,
  ScalingPolicy,
  TargetHealth,
} from '@app/contracts';

/** DEFAULT_INTERVAL_S: the original scaler evaluated the policy once a minute. */
export const DEFAULT_INTERVAL_S = 60;
/** DEFAULT_WINDOW_S: the original averaged the CPU of the past two minutes. */
export const DEFAULT_WINDOW_S = 120;
/** DEFAULT_COOLDOWN_S: after a change the original waited 5 minutes before deciding again. */
export const DEFAULT_COOLDOWN_S = 300;
/**
 * DEFAULT_WARMUP_S: a worker younger than this is left out of the average. A fresh Node process
 * burns CPU compiling and warming caches; counting it made the original grow again right after
 * growing (the "new instances' start-up CPU triggers more scaling" complaint).
 */
export const DEFAULT_WARMUP_S = 120;

/** DecisionSample is one CPU measurement of one worker. */
export interface DecisionSample {
  instanceId: string;
  /** End of the interval the sample covers. */
  at: Date;
  /** Null when unknown (first scrape, no datapoint): never counted as 0. */
  cpuPercent: number | null;
}

/**
 * DecisionWorker is a running worker as the fleet last reported it; only a `healthy` one is in
 * service (`initial`: still passing its first health checks, `unhealthy`, `draining`: not).
 */
export interface DecisionWorker {
  id: string;
  launchedAt: Date;
  health: TargetHealth;
}

/** PolicyValues are the parts of the saved ScalingPolicy the decision reads. */
export type PolicyValues = Pick<
  ScalingPolicy,
  | 'growThreshold'
  | 'shrinkThreshold'
  | 'growRatio'
  | 'shrinkRatio'
  | 'minWorkers'
  | 'maxWorkers'
  | 'enabled'
>;

/** ScaleInput is everything decideScale needs; time comes in as `now`, never from a clock. */
export interface ScaleInput {
  samples: DecisionSample[];
  /** The running workers (the fleet snapshot's workers in state `running`). */
  workers: DecisionWorker[];
  /** Workers launched but not running yet (the snapshot's workers in state `pending`). */
  launching: number;
  /** The pool's desired size now (the fleet snapshot's `desired`). */
  currentSize: number;
  /** The saved policy, or null before one is saved. */
  policy: PolicyValues | null;
  /** When the size last changed, by the scaler or (when honoured) by hand (null: never). */
  lastChangeAt: Date | null;
  /** Who made that change (default 'scaler'); only the message depends on it. */
  lastChangeBy?: 'scaler' | 'manual';
  now: Date;
  windowS: number;
  cooldownS: number;
  warmupS: number;
}

/** ScaleDecision is the outcome: the size to set, why (a reason code) and a human message. */
export interface ScaleDecision {
  newSize: number;
  reason: DecisionReason;
  message: string;
  /** Average CPU of the counted workers over the window (null when none could be counted). */
  averageCpu: number | null;
  workersCounted: number;
}

/** Measurement is the average CPU of the workers that may be counted, and who was left out. */
interface Measurement {
  average: number | null;
  counted: number;
  /** Workers in service and warmed up but without a CPU sample in the window. */
  missing: number;
  warming: number;
  /** Running workers not healthy (initial, unhealthy, draining): not counted. */
  unhealthy: number;
  /** Healthy running workers: the capacity in service (warming ones included). */
  inService: number;
  /** Workers on their way into service: pending, or running with health `initial`. */
  starting: number;
  /** Running workers failing their health checks. */
  failing: number;
  /** Age in seconds of the newest usable sample when every one is older than the window. */
  staleAgeS: number | null;
}

// ceil(10 × 1.1) is ceil(11.000000000000002) = 12 in floating point; round away that noise first.
const tidy = (n: number) => Math.round(n * 1e9) / 1e9;
const pct = (n: number) => `${n.toFixed(1)}%`;
const num = (n: number) => `${Number(n.toFixed(2))}`;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function measure(input: ScaleInput): Measurement {
  const nowMs = input.now.getTime();
  const windowStart = nowMs - input.windowS * 1000;
  const warmupMs = input.warmupS * 1000;
  const healthy = input.workers.filter((w) => w.health === 'healthy');
  const launched = new Map(healthy.map((w) => [w.id, w.launchedAt.getTime()]));
  const warm = new Map<string, number[]>();
  const warmingUp = new Set<string>();
  let newestOld = -Infinity;
  for (const s of input.samples) {
    const launchedAt = launched.get(s.instanceId);
    if (launchedAt === undefined || s.cpuPercent === null || !Number.isFinite(s.cpuPercent))
      continue;
    const at = s.at.getTime();
    if (at <= windowStart) newestOld = Math.max(newestOld, at);
    // A sample taken in the worker's first warmupS seconds shows its start-up, not the load.
    else if (at - launchedAt < warmupMs) warmingUp.add(s.instanceId);
    else {
      const values = warm.get(s.instanceId) ?? [];
      values.push(s.cpuPercent);
      warm.set(s.instanceId, values);
    }
  }
  let warming = 0;
  let missing = 0;
  for (const w of healthy) {
    if (warm.has(w.id)) continue;
    if (nowMs - w.launchedAt.getTime() < warmupMs || warmingUp.has(w.id)) warming++;
    else missing++;
  }
  const perWorker = [...warm.values()].map((v) => v.reduce((a, b) => a + b, 0) / v.length);
  const counted = perWorker.length;
  return {
    // Each worker weighs the same, whatever its number of samples (as Kubernetes averages per pod).
    average: counted ? perWorker.reduce((a, b) => a + b, 0) / counted : null,
    counted,
    missing,
    warming,
    unhealthy: input.workers.length - healthy.length,
    inService: healthy.length,
    starting: input.launching + input.workers.filter((w) => w.health === 'initial').length,
    failing: input.workers.filter((w) => w.health === 'unhealthy').length,
    staleAgeS:
      counted === 0 && Number.isFinite(newestOld) ? Math.round((nowMs - newestOld) / 1000) : null,
  };
}

function leftOut(m: Measurement, withMissing = true): string {
  const parts = [
    m.warming ? `${m.warming} warming up` : '',
    m.unhealthy ? `${m.unhealthy} not healthy` : '',
    m.missing && withMissing ? `${m.missing} without samples` : '',
  ].filter(Boolean);
  return parts.length ? ` (not counted: ${parts.join(', ')})` : '';
}

/**
 * decideScale is the auto-scaler's decision, a pure function: no clock, no I/O. Rules, in order:
 * 1. no policy, or a disabled one → hold ('disabled');
 * 2. within `cooldownS` of the last change (the scaler's, or a manual one) → hold ('hold-cooldown');
 * 3. a size outside [minWorkers, maxWorkers] is brought back to the bound ('clamp-to-min/max');
 * 4. the average CPU of the healthy workers over the past `windowS`, leaving out null samples
 *    and samples taken in a worker's first `warmupS` seconds (each worker weighing the same);
 *    none → hold: 'hold-no-samples' when warmed-up workers are in service but silent (overload
 *    makes the metrics scrape time out), else 'hold-no-data'; the pool never shrinks (or grows)
 *    on missing data;
 * 5. above growThreshold → 'hold-at-max' when already at max; 'hold-launching' while part of the
 *    desired pool is not in service and some of it is still launching or unhealthy (the previous
 *    grow has not landed: growing again would count capacity that does not serve, issue #9);
 *    otherwise ceil(inService × growRatio) from the capacity in service, inService = healthy
 *    workers, at most the size (as Kubernetes' HPA counts ready pods and EC2 Auto Scaling counts
 *    warmed-up instances); a target not above the size (launches failed) → 'hold-launching';
 *    otherwise 'grow'.
 *    below shrinkThreshold → floor(size ÷ shrinkRatio) ('shrink'), 'hold-at-min' at the minimum;
 *    both limited to the bounds. When some counted-for workers have no sample, the change must
 *    survive the worst case (Kubernetes' rule): the missing ones taken at 0 % for a grow and at
 *    100 % for a shrink; if it does not, hold ('hold-no-data');
 * 6. otherwise hold ('hold-within-thresholds').
 */
export function decideScale(input: ScaleInput): ScaleDecision {
  const { policy, currentSize: size } = input;
  if (!policy || !policy.enabled) {
    return {
      newSize: size,
      reason: 'disabled',
      message: policy
        ? 'the auto-scaler is disabled'
        : 'the auto-scaler is disabled until a policy is saved',
      averageCpu: null,
      workersCounted: 0,
    };
  }
  const m = measure(input);
  const averageCpu = m.average === null ? null : Math.round(m.average * 100) / 100;
  const result = (newSize: number, reason: DecisionReason, message: string): ScaleDecision => ({
    newSize,
    reason,
    message,
    averageCpu,
    workersCounted: m.counted,
  });
  const observed =
    m.average === null
      ? 'no CPU data'
      : `average CPU ${pct(m.average)} over ${plural(m.counted, 'worker')}`;

  if (input.lastChangeAt) {
    const sinceS = (input.now.getTime() - input.lastChangeAt.getTime()) / 1000;
    if (sinceS < input.cooldownS) {
      const by = input.lastChangeBy === 'manual' ? 'manual change' : 'last change';
      return result(
        size,
        'hold-cooldown',
        `${by} ${Math.round(sinceS)} s ago, within the ${num(input.cooldownS)} s cooldown: keeping ${size} (${observed})`,
      );
    }
  }
  if (size < policy.minWorkers) {
    return result(
      policy.minWorkers,
      'clamp-to-min',
      `the pool of ${size} is below the policy's minimum: ${size} → ${policy.minWorkers}`,
    );
  }
  if (size > policy.maxWorkers) {
    return result(
      policy.maxWorkers,
      'clamp-to-max',
      `the pool of ${size} is above the policy's maximum: ${size} → ${policy.maxWorkers}`,
    );
  }
  if (m.average === null) {
    if (m.missing > 0) {
      const why =
        m.staleAgeS !== null
          ? `${plural(m.missing, 'worker')} in service, but the newest CPU sample is ${m.staleAgeS} s old, older than the ${num(input.windowS)} s window`
          : `${plural(m.missing, 'worker')} in service, but none sent a CPU sample in the past ${num(input.windowS)} s`;
      return result(
        size,
        HOLD_NO_SAMPLES,
        `${why} (overloaded workers may fail to answer the metrics scrape): keeping ${size}, never shrinking on missing data${leftOut(m, false)}`,
      );
    }
    const why =
      m.staleAgeS !== null
        ? `the newest CPU sample is ${m.staleAgeS} s old, older than the ${num(input.windowS)} s window`
        : input.workers.length === 0
          ? 'no worker is in service'
          : `no CPU sample in the past ${num(input.windowS)} s from a counted worker`;
    return result(size, 'hold-no-data', `${why}${leftOut(m, false)}: keeping ${size}`);
  }

  const avg = m.average;
  const withMissingAt = (value: number) =>
    (avg * m.counted + value * m.missing) / (m.counted + m.missing);
  if (avg > policy.growThreshold) {
    const above = `${observed} is above the grow threshold ${num(policy.growThreshold)}%`;
    if (size >= policy.maxWorkers) {
      return result(
        size,
        'hold-at-max',
        `${above}, but the pool is at its maximum of ${policy.maxWorkers}${leftOut(m)}`,
      );
    }
    if (m.missing && withMissingAt(0) <= policy.growThreshold) {
      return result(
        size,
        'hold-no-data',
        `${above}, but counting the ${plural(m.missing, 'worker')} without samples at 0% gives ${pct(withMissingAt(0))}: keeping ${size}${leftOut(m)}`,
      );
    }
    const short = size - m.inService;
    if (short > 0 && m.starting + m.failing > 0) {
      const rest = short - m.starting - m.failing;
      const parts = [
        m.starting ? `${m.starting} still launching` : '',
        m.failing ? `${m.failing} unhealthy` : '',
        rest > 0 ? `${rest} not launched` : '',
      ].filter(Boolean);
      const what =
        parts.length === 1 && m.starting
          ? 'still launching'
          : `not in service (${parts.join(', ')})`;
      return result(
        size,
        HOLD_LAUNCHING,
        `holding: ${short} of ${plural(size, 'worker')} ${what}; ${above}, but the previous grow has not landed: keeping ${size}${leftOut(m)}`,
      );
    }
    // Grow the capacity that serves, not the desired size: after failed launches 2 workers of a
    // desired 4 serve, and ×2 of 4 would ask for 8 while 2 serve (issue #9).
    const base = Math.min(size, m.inService);
    const target = Math.ceil(tidy(base * policy.growRatio));
    const from = base === size ? '' : `${base} in service `;
    if (target <= size) {
      return result(
        size,
        HOLD_LAUNCHING,
        `holding: only ${base} of ${plural(size, 'worker')} in service and none launching (failed launches?); ${above}, but ${from}×${num(policy.growRatio)} = ${target} is not above ${size}: keeping ${size}${leftOut(m)}`,
      );
    }
    const newSize = Math.min(target, policy.maxWorkers);
    const how =
      newSize === target
        ? `${from}×${num(policy.growRatio)}`
        : `${from}×${num(policy.growRatio)} = ${target}, capped at the maximum ${policy.maxWorkers}`;
    return result(newSize, 'grow', `${above}: ${size} → ${newSize} (${how})${leftOut(m)}`);
  }
  if (avg < policy.shrinkThreshold) {
    const below = `${observed} is below the shrink threshold ${num(policy.shrinkThreshold)}%`;
    if (size <= policy.minWorkers) {
      return result(
        size,
        'hold-at-min',
        `${below}, but the pool is at its minimum of ${policy.minWorkers}${leftOut(m)}`,
      );
    }
    if (m.missing && withMissingAt(100) >= policy.shrinkThreshold) {
      return result(
        size,
        'hold-no-data',
        `${below}, but counting the ${plural(m.missing, 'worker')} without samples at 100% gives ${pct(withMissingAt(100))}: keeping ${size}${leftOut(m)}`,
      );
    }
    const target = Math.floor(tidy(size / policy.shrinkRatio));
    const newSize = Math.max(target, policy.minWorkers);
    const how =
      newSize === target
        ? `÷${num(policy.shrinkRatio)}`
        : `÷${num(policy.shrinkRatio)} = ${target}, raised to the minimum ${policy.minWorkers}`;
    return result(newSize, 'shrink', `${below}: ${size} → ${newSize} (${how})${leftOut(m)}`);
  }
  return result(
    size,
    'hold-within-thresholds',
    `${observed} is within the thresholds ${num(policy.shrinkThreshold)}%–${num(policy.growThreshold)}%: keeping ${size}${leftOut(m)}`,
  );
}
