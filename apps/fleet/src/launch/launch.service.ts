import { Logger } from '@nestjs/common';
import { randomUUID } from 'crypto';
import { ComputeInstance, ComputePort, LoadBalancerPort } from '@app/cloud';
import { InstanceChanges } from '../events/instance-changes';
import { FleetLock } from '../reconcile/fleet.lock';
import { errorMessage, isCancelledLaunch } from '../reconcile/reconcile.rules';
import { Clock, LAUNCH_RETRY_MAX_MS, ReconcileSettings } from '../reconcile/reconcile.settings';
import { FleetStore, InstanceRecord, newLaunchRecord } from '../store/fleet.store';

/** LaunchHooks tell the reconciler what became of a launch. */
export interface LaunchHooks {
  /** answered: the provider answered a launch with this instance (no longer a stranger). */
  answered(instanceId: string): void;
  /** finished: a launch ended (answered or failed) and its record is up to date. */
  finished(): void;
}

/**
 * LaunchService starts workers: it records each attempt before handing the launch to the
 * provider in the background (with the record's client token, so a crash never launches twice),
 * records the answer under the fleet lock (registering the worker, or terminating it when its
 * launch was cancelled meanwhile), and backs off after failed launches, doubling the wait per
 * failure in a row up to LAUNCH_RETRY_MAX_MS.
 */
export class LaunchService {
  private readonly logger = new Logger('Reconciler');
  private readonly inFlight = new Map<string, Promise<void>>();
  private launchFailures = 0;
  private launchRetryAt = 0;
  private closed = false;

  constructor(
    private readonly compute: ComputePort,
    private readonly loadBalancer: LoadBalancerPort,
    private readonly store: FleetStore,
    private readonly changes: InstanceChanges,
    private readonly lock: FleetLock,
    private readonly settings: ReconcileSettings,
    private readonly clock: Clock,
    private readonly hooks: LaunchHooks,
  ) {}

  /** launchesInFlight counts launches handed to the provider that have not answered yet. */
  get launchesInFlight(): number {
    return this.inFlight.size;
  }

  /** settle resolves once no launch is in flight (tests and shutdown). */
  async settle(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight.values()]);
  }

  /** close makes answers arriving from now on change nothing (the service is shutting down). */
  close(): void {
    this.closed = true;
  }

  /**
   * resumeCancelled handles cancelled launches not in flight: one never handed to the provider is
   * closed; one that was (the fleet restarted) is resumed, with its token, only to learn its
   * instance and terminate it.
   */
  async resumeCancelled(records: InstanceRecord[], now: Date): Promise<void> {
    for (const record of records.filter(isCancelledLaunch)) {
      if (this.inFlight.has(record.clientToken)) continue;
      if (record.launchAttempts === 0) {
        await this.store.update({ ...record, state: 'terminated', terminatedAt: now });
      } else {
        await this.startLaunch(record);
      }
    }
  }

  /**
   * startRecorded handles launch records without an instance among the `live` active ones:
   * resumes those already handed to the provider (same token, so the provider answers with the
   * instance it started), starts the others while they are still needed, cancels them when the
   * pool shrank before they started. Returns how many active workers remain.
   */
  async startRecorded(live: InstanceRecord[], desired: number, now: Date): Promise<number> {
    let active = live.length;
    const notStarted = live
      .filter((r) => !r.instanceId && !this.inFlight.has(r.clientToken))
      .sort((a, b) => b.requestedAt.getTime() - a.requestedAt.getTime());
    for (const record of notStarted) {
      if (record.launchAttempts === 0 && active > desired) {
        await this.store.update({
          ...record,
          state: 'terminated',
          terminatedAt: now,
          lastError: 'cancelled: no longer needed',
        });
        active--;
        continue;
      }
      await this.startLaunch(record);
    }
    return active;
  }

  /**
   * launchMissing records and starts `missing` launches (unless failed launches ask to wait),
   * each caused by the replacement of one of `replacedIds` or else by the desired size.
   */
  async launchMissing(
    missing: number,
    desired: number,
    replacedIds: string[],
    now: Date,
  ): Promise<void> {
    if (now.getTime() < this.launchRetryAt) {
      this.logger.warn(
        `${missing} worker(s) missing; next launch after the back-off of failed launches`,
      );
      return;
    }
    const passId = randomUUID();
    for (let i = 0; i < missing; i++) {
      const replaced = replacedIds[i];
      const cause = replaced
        ? `replacement for ${replaced}`
        : `launched to reach the desired size ${desired}`;
      const record = newLaunchRecord(`${passId}:${i}`, cause, now);
      await this.store.insert(record);
      await this.startLaunch(record);
    }
  }

  /** startLaunch records the attempt, then hands the launch to the provider in the background. */
  async startLaunch(record: InstanceRecord): Promise<void> {
    const token = record.clientToken;
    if (this.inFlight.has(token)) return;
    // Recorded before the provider is called: after a crash the launch resumes with this token.
    await this.store.update({ ...record, launchAttempts: record.launchAttempts + 1 });
    const launch = this.compute.launch({ clientToken: token }).then(
      (instance) => this.lock.run(() => this.launched(token, instance)),
      (error: unknown) => this.lock.run(() => this.launchFailed(token, error)),
    );
    this.inFlight.set(
      token,
      launch
        .catch((error) =>
          this.logger.error(`launch ${token} bookkeeping failed: ${errorMessage(error)}`),
        )
        .finally(() => {
          this.inFlight.delete(token);
          this.hooks.finished();
        }),
    );
  }

  private async launched(token: string, instance: ComputeInstance): Promise<void> {
    if (this.closed) return;
    const record = await this.store.findByToken(token);
    if (!record) {
      this.logger.error(`launch ${token} answered ${instance.id} but has no record`);
      return;
    }
    this.hooks.answered(instance.id);
    const now = this.clock();
    if (instance.state === 'terminated' || instance.state === 'stopping') {
      // The token's worker is gone already (it died while nobody listened for the answer, e.g.
      // across a restart): record it as such; the next pass launches a replacement.
      await this.store.update({
        ...record,
        instanceId: instance.id,
        state: 'terminated',
        address: instance.address,
        launchedAt: instance.launchedAt,
        terminatedAt: now,
        lastError: `the launch answered ${instance.id}, already ${instance.state}`,
      });
      return;
    }
    this.launchFailures = 0;
    this.launchRetryAt = 0;
    if (isCancelledLaunch(record)) {
      await this.terminateCancelled(record, instance, now);
      return;
    }
    await this.changes.change(
      record,
      {
        ...record,
        instanceId: instance.id,
        state: 'running',
        health: 'initial',
        address: instance.address,
        launchedAt: instance.launchedAt,
        lastError: null,
      },
      record.cause,
    );
    try {
      await this.loadBalancer.register({ id: instance.id, address: instance.address ?? '' });
    } catch (error) {
      // The next pass sees a running worker the load balancer does not list and registers it.
      this.logger.warn(`cannot register ${instance.id}: ${errorMessage(error)}`);
    }
  }

  /**
   * terminateCancelled terminates the instance a cancelled launch answered, instead of
   * registering it; when that fails it stays draining, and the next pass terminates it.
   */
  private async terminateCancelled(
    record: InstanceRecord,
    instance: ComputeInstance,
    now: Date,
  ): Promise<void> {
    const known: InstanceRecord = {
      ...record,
      instanceId: instance.id,
      state: 'draining',
      address: instance.address,
      launchedAt: instance.launchedAt,
    };
    try {
      await this.compute.terminate(instance.id);
    } catch (error) {
      this.logger.warn(
        `cannot terminate ${instance.id}: ${errorMessage(error)}; retrying next pass`,
      );
      await this.changes.change(
        record,
        { ...known, lastError: errorMessage(error) },
        record.drainCause!,
      );
      return;
    }
    await this.changes.change(
      record,
      { ...known, state: 'terminated', terminatedAt: now, lastError: null },
      `terminated when its launch answered: ${record.drainCause}`,
    );
  }

  private async launchFailed(token: string, error: unknown): Promise<void> {
    if (this.closed) return;
    const cancelled = await this.store.findByToken(token);
    if (cancelled && isCancelledLaunch(cancelled)) {
      // Nobody waits for this worker any more: not a reason to slow down the next launches.
      await this.store.update({
        ...cancelled,
        state: 'terminated',
        terminatedAt: this.clock(),
        lastError: `launch failed after it was cancelled: ${errorMessage(error)}`,
      });
      return;
    }
    this.launchFailures++;
    const backoff = Math.min(
      this.settings.launchRetryMs * 2 ** (this.launchFailures - 1),
      LAUNCH_RETRY_MAX_MS,
    );
    this.launchRetryAt = this.clock().getTime() + backoff;
    this.logger.warn(
      `launch ${token} failed: ${errorMessage(error)}; next launch in ${backoff} ms`,
    );
    const record = await this.store.findByToken(token);
    if (record) {
      await this.store.update({
        ...record,
        state: 'terminated',
        terminatedAt: this.clock(),
        lastError: `launch failed: ${errorMessage(error)}`,
      });
    }
  }
}
