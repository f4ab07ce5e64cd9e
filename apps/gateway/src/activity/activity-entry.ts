import {
  ClearResult,
  DecisionReason,
  InstanceStateChanged,
  PolicyChanged,
  PoolChanged,
  ScalingDecision,
} from '@app/contracts';
import { ActivityKind } from './activity.entity';

/** ActivityDraft is an activity line before it is stored. */
export interface ActivityDraft {
  kind: ActivityKind;
  at: Date;
  message: string;
  cause: string;
  instanceId: string | null;
  data: unknown;
}

/**
 * ROUTINE_HOLDS are decisions taken every evaluation while nothing needs doing; storing them
 * would bury the changes that matter (one line a minute, forever), so they are never listed.
 */
export const ROUTINE_HOLDS: readonly DecisionReason[] = ['hold-within-thresholds', 'hold-cooldown'];

const clip = (text: string, max: number) =>
  text.length > max ? `${text.slice(0, max - 1)}…` : text;

/**
 * shouldRecordDecision says whether a scaling decision belongs in the activity list: every
 * decision that changed the size; a hold for another reason (no data, at max, disabled…) only
 * when the reason differs from the previous decision's, so a scaler stuck at max for an hour
 * shows one line, not sixty.
 */
export function shouldRecordDecision(
  decision: Pick<ScalingDecision, 'reason' | 'sizeBefore' | 'sizeAfter'>,
  previousReason: string | undefined,
): boolean {
  if (decision.sizeAfter !== decision.sizeBefore) return true;
  if (ROUTINE_HOLDS.includes(decision.reason)) return false;
  return decision.reason !== previousReason;
}

/** describeInstanceState phrases a worker's state or health change. */
export function describeInstanceState(e: InstanceStateChanged): ActivityDraft {
  const parts: string[] = [];
  if (e.previousState && e.previousState !== e.state) {
    parts.push(`${e.previousState} → ${e.state}`);
  } else if (!e.previousState) {
    parts.push(e.state);
  }
  if (e.previousHealth && e.previousHealth !== e.health) {
    parts.push(`health ${e.previousHealth} → ${e.health}`);
  } else if (!e.previousHealth || parts.length === 0) {
    parts.push(`health ${e.health}`);
  }
  return {
    kind: 'instance-state',
    at: new Date(e.at),
    message: clip(`Worker ${e.instanceId}: ${parts.join(', ')}`, 1000),
    cause: clip(e.cause, 500),
    instanceId: e.instanceId,
    data: e,
  };
}

/** describePoolChanged phrases a change of the desired pool size. */
export function describePoolChanged(e: PoolChanged): ActivityDraft {
  return {
    kind: 'pool-changed',
    at: new Date(e.at),
    message: `Pool size ${e.previous} → ${e.desired}`,
    cause: clip(e.cause, 500),
    instanceId: null,
    data: e,
  };
}

/** describeDecision phrases a scaling decision. */
export function describeDecision(d: ScalingDecision): ActivityDraft {
  const cpu = d.averageCpu === null ? 'no CPU data' : `average CPU ${d.averageCpu.toFixed(1)} %`;
  const what =
    d.sizeAfter !== d.sizeBefore
      ? `Auto-scaler: ${d.sizeBefore} → ${d.sizeAfter} workers (${d.reason})`
      : `Auto-scaler holds at ${d.sizeBefore} workers (${d.reason})`;
  return {
    kind: 'scaler-decision',
    at: new Date(d.at),
    message: clip(`${what}, ${cpu} over ${d.workersCounted} workers`, 1000),
    cause: clip(d.message, 500),
    instanceId: null,
    data: d,
  };
}

/** describePolicyChanged phrases a saved policy or a disabled scaler. */
export function describePolicyChanged(e: PolicyChanged): ActivityDraft {
  const p = e.policy;
  const message =
    p && e.enabled
      ? `Auto-scale policy saved: grow ×${p.growRatio} above ${p.growThreshold} % CPU, ` +
        `shrink ÷${p.shrinkRatio} below ${p.shrinkThreshold} %, ${p.minWorkers}–${p.maxWorkers} workers`
      : p
        ? 'Auto-scaler disabled (policy kept)'
        : 'Auto-scaler disabled';
  return {
    kind: 'policy-changed',
    at: new Date(e.at),
    message,
    cause: clip(e.cause, 500),
    instanceId: null,
    data: e,
  };
}

/** describeCleared phrases the end of a "Delete" (clear) run. */
export function describeCleared(r: ClearResult): ActivityDraft {
  const message = r.error
    ? clip(`Clearing failed after removing ${r.objects} objects: ${r.error}`, 1000)
    : `Data cleared: ${r.objects} objects, ${r.images} images and ${r.users} users removed ` +
      `in ${(r.durationMs / 1000).toFixed(1)} s`;
  return {
    kind: 'cleared',
    at: new Date(r.at),
    message,
    cause: `Delete (command ${r.commandId})`,
    instanceId: null,
    data: r,
  };
}
