import { Logger } from '@nestjs/common';
import { ComputePort, LoadBalancerPort, TargetStatus } from '@app/cloud';
import { InstanceChanges } from '../events/instance-changes';
import { ReconcileSettings } from '../reconcile/reconcile.settings';
import { FleetStore, InstanceRecord } from '../store/fleet.store';
import { errorMessage } from '../reconcile/reconcile.rules';

/**
 * markDraining is the record change that starts a drain (the only copy: the reconciler's drains
 * and the commands' terminate/terminate-all both use it).
 */
export function markDraining(record: InstanceRecord, cause: string, now: Date): InstanceRecord {
  return { ...record, state: 'draining', drainStartedAt: now, drainCause: cause };
}

/** DrainedWorker is a draining worker due for termination, with the cause to announce. */
export interface DrainedWorker {
  record: InstanceRecord;
  cause: string;
}

/**
 * DrainService takes workers out of the pool: marks one draining and deregisters it, decides each
 * pass whether a draining worker was let go by the load balancer (or timed out), terminates those,
 * and deregisters or terminates single instances, logging failures for the next pass to retry.
 */
export class DrainService {
  private readonly logger = new Logger('Reconciler');

  constructor(
    private readonly compute: ComputePort,
    private readonly loadBalancer: LoadBalancerPort,
    private readonly store: FleetStore,
    private readonly changes: InstanceChanges,
    private readonly settings: ReconcileSettings,
  ) {}

  /** startDrain marks a worker draining and deregisters it; it is terminated in a later pass. */
  async startDrain(record: InstanceRecord, cause: string, now: Date): Promise<void> {
    await this.changes.change(record, markDraining(record, cause, now), cause);
    await this.deregister(record.instanceId!);
  }

  /**
   * checkDraining returns the termination a draining worker is due (the load balancer let it go,
   * or the drain timed out), or null; a worker the load balancer still serves is deregistered
   * again. `targets` is null while the load balancer cannot be asked.
   */
  async checkDraining(
    record: InstanceRecord,
    target: TargetStatus | undefined,
    targets: TargetStatus[] | null,
    now: Date,
  ): Promise<DrainedWorker | null> {
    const released = targets !== null && (!target || target.health === 'unused');
    const startedAt = (record.drainStartedAt ?? now).getTime();
    const timedOut = now.getTime() - startedAt >= this.settings.drainTimeoutMs;
    if (released) return { record, cause: `terminated after draining: ${record.drainCause}` };
    if (timedOut) {
      const s = Math.round(this.settings.drainTimeoutMs / 1000);
      return {
        record,
        cause: `terminated after the drain timeout (${s} s): ${record.drainCause}`,
      };
    }
    if (target && target.health !== 'draining') {
      // The deregistration was lost (a crash right after marking, or a restarted balancer).
      await this.deregister(record.instanceId!);
    }
    return null;
  }

  /** terminateDrained terminates the drained workers; a failure is retried next pass. */
  async terminateDrained(drained: DrainedWorker[], now: Date): Promise<void> {
    await Promise.all(
      drained.map(async ({ record, cause }) => {
        const id = record.instanceId!;
        try {
          await this.compute.terminate(id);
        } catch (error) {
          this.logger.warn(`cannot terminate ${id}: ${errorMessage(error)}; retrying next pass`);
          await this.store.update({ ...record, lastError: errorMessage(error) });
          return;
        }
        await this.changes.change(
          record,
          { ...record, state: 'terminated', terminatedAt: now },
          cause,
        );
      }),
    );
  }

  /** deregister removes a target from the load balancer; a failure is retried next pass. */
  async deregister(id: string): Promise<void> {
    try {
      await this.loadBalancer.deregister(id);
    } catch (error) {
      this.logger.warn(`cannot deregister ${id}: ${errorMessage(error)}; retrying next pass`);
    }
  }

  /** terminate terminates one instance, logging a failure (the caller's next pass retries). */
  async terminate(id: string): Promise<void> {
    try {
      await this.compute.terminate(id);
    } catch (error) {
      this.logger.warn(`cannot terminate ${id}: ${errorMessage(error)}`);
    }
  }
}
