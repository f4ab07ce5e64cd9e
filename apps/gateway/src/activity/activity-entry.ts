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

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** plural says "1 worker", "2 workers". */
export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * mainCause shortens a cause chain to the one level a person reads first: the reason in the
 * brackets of "shrink to 1 by scaler (scaler: …)", the scaler's CPU comparison as "CPU 3.1 %
 * below the shrink threshold 10 %", without command UUIDs (the full cause stays on the details
 * line) and without the scaler's arithmetic after ": keeping" / "; ".
 */
export function mainCause(cause: string): string {
  const cpu =
    /average CPU ([\d.]+) ?% over \d+ workers? is (above|below) the (grow|shrink) threshold ([\d.]+) ?%/.exec(
      cause,
    );
  if (cpu) return `CPU ${cpu[1]} % ${cpu[2]} the ${cpu[3]} threshold ${cpu[4]} %`;
  let text = cause
    .replace(UUID, '')
    .replace(/\s*\((command|run)?\s*\)/gi, '')
    .replace(/\s+(command|run)?\s*$/i, '')
    .trim();
  const open = text.indexOf(' (');
  if (open > 0 && text.endsWith(')')) text = text.slice(open + 2, -1);
  text = text.replace(/^scaler: /, '').trim();
  const stop = text.search(/: keeping |; /);
  return clip(stop > 0 ? text.slice(0, stop) : text, 160);
}

/** withCause joins a sentence and its main cause ("Pool 2 → 1: CPU 3.1 % below …"). */
function withCause(sentence: string, cause: string): string {
  const main = mainCause(cause);
  return clip(main ? `${sentence}: ${main}` : sentence, 1000);
}

/**
 * describeInstanceState phrases a worker's state or health change: the state move and the health
 * it ended in only when that says something ("healthy" after "pending → running", never "health
 * healthy"), then the main cause.
 */
export function describeInstanceState(e: InstanceStateChanged): ActivityDraft {
  const parts: string[] = [];
  const stateChanged = e.previousState !== undefined && e.previousState !== e.state;
  if (stateChanged) parts.push(`${e.previousState} → ${e.state}`);
  else if (!e.previousState) parts.push(e.state);
  const healthChanged = e.previousHealth !== undefined && e.previousHealth !== e.health;
  // The health a state already implies (initial while pending, draining while draining…) is noise.
  const implied = ['initial', 'unused', 'draining'].includes(e.health) || e.health === e.state;
  if (healthChanged && !implied) parts.push(stateChanged ? e.health : `became ${e.health}`);
  else if (parts.length === 0) parts.push(`is ${e.health}`);
  return {
    kind: 'instance-state',
    at: new Date(e.at),
    message: withCause(`Worker ${e.instanceId} ${parts.join(', ')}`, e.cause),
    cause: clip(e.cause, 500),
    instanceId: e.instanceId,
    data: e,
  };
}

/** describePoolChanged phrases a change of the desired pool size with its main cause. */
export function describePoolChanged(e: PoolChanged): ActivityDraft {
  return {
    kind: 'pool-changed',
    at: new Date(e.at),
    message: withCause(`Pool ${e.previous} → ${e.desired}`, e.cause),
    cause: clip(e.cause, 500),
    instanceId: null,
    data: e,
  };
}

/**
 * describeDecision phrases a scaling decision: the move or hold with its reason code, then its
 * main cause; the scaler's whole message is the details line.
 */
export function describeDecision(d: ScalingDecision): ActivityDraft {
  const what =
    d.sizeAfter !== d.sizeBefore
      ? `Auto-scaler ${d.sizeBefore} → ${d.sizeAfter} (${d.reason})`
      : `Auto-scaler holds at ${plural(d.sizeBefore, 'worker')} (${d.reason})`;
  return {
    kind: 'scaler-decision',
    at: new Date(d.at),
    message: withCause(what, d.message),
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
    // The command id is for the details line only, never the sentence.
    cause: `Delete (command ${r.commandId})`,
    instanceId: null,
    data: r,
  };
}
