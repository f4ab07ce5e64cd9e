import { TargetHealth } from '@app/contracts';
import { InstanceRecord } from '../store/fleet.store';

/**
 * HEALTH_RANK orders health from worst to best; the surplus is taken from the worst first, so
 * shrinking the pool never removes a healthy worker while an unhealthy one stays.
 */
export const HEALTH_RANK: Record<TargetHealth, number> = {
  unhealthy: 0,
  unused: 1,
  draining: 1,
  initial: 2,
  healthy: 3,
};

/**
 * chooseSurplus picks `count` workers to drain: the unhealthiest first, and among equally healthy
 * ones the newest first (it has the least warm state, and the oldest have proven themselves).
 */
export function chooseSurplus(workers: InstanceRecord[], count: number): InstanceRecord[] {
  if (count <= 0) return [];
  const launched = (r: InstanceRecord) => (r.launchedAt ?? r.requestedAt).getTime();
  // `workers` comes oldest first: on equal launch times the later in the list is the newer.
  return workers
    .map((record, position) => ({ record, position }))
    .sort(
      (a, b) =>
        HEALTH_RANK[a.record.health] - HEALTH_RANK[b.record.health] ||
        launched(b.record) - launched(a.record) ||
        b.position - a.position,
    )
    .slice(0, count)
    .map(({ record }) => record);
}

/**
 * replacementReason says why a running worker must be replaced, or null when it may stay: it has
 * been unhealthy for longer than the grace period, or it never became healthy within the grace
 * period after its launch (or its adoption).
 */
export function replacementReason(
  record: InstanceRecord,
  now: Date,
  graceMs: number,
): string | null {
  const graceS = Math.round(graceMs / 1000);
  if (record.health === 'unhealthy' && record.unhealthySince) {
    if (now.getTime() - record.unhealthySince.getTime() > graceMs) {
      return `replaced: unhealthy for more than ${graceS} s`;
    }
    return null;
  }
  if (!record.healthyAt) {
    // From the launch, or from the adoption for a worker found running by a restarted fleet (its
    // launch may be long ago while a restarted balancer checks it for the first time).
    const since = Math.max(record.launchedAt?.getTime() ?? 0, record.requestedAt.getTime());
    if (now.getTime() - since > graceMs) {
      return `replaced: never became healthy within ${graceS} s of its launch`;
    }
  }
  return null;
}

/**
 * withHealth returns the record with a new load-balancer health, keeping track of when it first
 * became healthy and since when it is unhealthy without a break.
 */
export function withHealth(
  record: InstanceRecord,
  health: TargetHealth,
  now: Date,
): InstanceRecord {
  const next = { ...record, health };
  if (health === 'healthy') {
    next.healthyAt = record.healthyAt ?? now;
    next.unhealthySince = null;
  } else if (health === 'unhealthy') {
    next.unhealthySince = record.unhealthySince ?? now;
  } else if (health !== 'draining') {
    // initial or unused (e.g. re-registered after a balancer restart): the streak is broken.
    next.unhealthySince = null;
  }
  return next;
}

/** launchToken derives the client token of the `index`-th launch a command asked for (≤ 64 chars). */
export function launchToken(commandId: string, index: number): string {
  return `${commandId}:${index}`;
}

/** withReason appends an optional human reason to a cause ("grow by 1 (manual: New one)"). */
export function withReason(cause: string, reason?: string): string {
  return reason ? `${cause} (${reason})` : cause;
}

/**
 * isCancelledLaunch tells a launch that was in flight when its worker was removed ("Destroy" of
 * a pending worker): it no longer counts toward the pool, and its instance is terminated as soon
 * as the launch answers it.
 */
export function isCancelledLaunch(record: InstanceRecord): boolean {
  return record.state === 'pending' && !record.instanceId && record.drainCause !== null;
}

/** errorMessage is the message of a caught error, whatever was thrown. */
export function errorMessage(error: unknown): string {
  return (error as Error)?.message ?? String(error);
}
