import { Logger } from '@nestjs/common';
import { WorkerView } from '@app/contracts';
import { ComputeInstance, LoadBalancerPort, TargetStatus } from '@app/cloud';
import { DrainService } from '../drain/drain.service';
import { InstanceChanges } from '../events/instance-changes';
import { FleetStore, InstanceRecord, newLaunchRecord } from '../store/fleet.store';
import { errorMessage, isCancelledLaunch, withHealth } from './reconcile.rules';

/**
 * Adoption deals with what the provider or the load balancer lists that the fleet has no live
 * record of: instances it terminated before are terminated again, others are adopted (or, while a
 * launch may still answer with them, shown as pending launches), and targets of workers the fleet
 * does not run are deregistered.
 */
export class Adoption {
  private readonly logger = new Logger('Reconciler');
  /** Instances the provider lists that are probably launches still in flight (shown as pending). */
  private launching: ComputeInstance[] = [];
  /** Client tokens of launches in flight whose worker was removed (shown as draining). */
  private cancelledTokens = new Set<string>();

  constructor(
    private readonly loadBalancer: LoadBalancerPort,
    private readonly store: FleetStore,
    private readonly changes: InstanceChanges,
    private readonly drain: DrainService,
  ) {}

  /** launchingViews lists instances the provider shows that are probably launches in flight. */
  launchingViews(): WorkerView[] {
    return this.launching.map((i) => ({
      id: i.id,
      state: i.clientToken && this.cancelledTokens.has(i.clientToken) ? 'draining' : 'pending',
      health: 'initial',
      address: i.address,
      launchedAt: i.launchedAt.toISOString(),
    }));
  }

  /** launchingInstance is the instance `id` when it is listed as a launch in flight. */
  launchingInstance(id: string): ComputeInstance | undefined {
    return this.launching.find((i) => i.id === id);
  }

  /** answered forgets an instance shown as a launch in flight once its launch answered. */
  answered(instanceId: string): void {
    this.launching = this.launching.filter((i) => i.id !== instanceId);
  }

  /**
   * adoptStrangers looks at instances the provider runs that the fleet has no live record of:
   * those it terminated before are terminated again (no orphan survives a failed termination);
   * the others are adopted when no launch is in flight (a fleet that lost its database, or a
   * launch whose answer was lost); while launches are in flight they may be those launches, so
   * they wait and are shown as pending. Returns the ids left waiting.
   */
  async adoptStrangers(
    described: ComputeInstance[],
    records: InstanceRecord[],
    targetById: Map<string, TargetStatus>,
    targetsKnown: boolean,
    launchesInFlight: number,
    now: Date,
  ): Promise<Set<string>> {
    const liveIds = new Set(records.map((r) => r.instanceId).filter((id): id is string => !!id));
    for (const instance of described) {
      // A stopped or stopping worker nobody runs serves nothing and still costs: terminate it.
      if (instance.state !== 'stopping' || liveIds.has(instance.id)) continue;
      this.logger.warn(`${instance.id} is stopped or stopping without a worker; terminating it`);
      await this.drain.terminate(instance.id);
    }
    const candidates = described.filter(
      (i) => (i.state === 'pending' || i.state === 'running') && !liveIds.has(i.id),
    );
    const waiting = new Set<string>();
    this.launching = [];
    this.cancelledTokens = new Set(records.filter(isCancelledLaunch).map((r) => r.clientToken));
    if (!candidates.length) return waiting;

    const known = await this.store.findByInstanceIds(candidates.map((i) => i.id));
    const knownIds = new Set(known.map((r) => r.instanceId));
    const launchMayBeOpen =
      launchesInFlight > 0 || records.some((r) => !r.instanceId && r.launchAttempts > 0);
    for (const instance of candidates) {
      if (knownIds.has(instance.id)) {
        this.logger.warn(`${instance.id} was terminated but still runs; terminating it again`);
        await this.drain.terminate(instance.id);
        continue;
      }
      if (launchMayBeOpen || instance.state !== 'running') {
        waiting.add(instance.id);
        this.launching.push(instance);
        continue;
      }
      await this.adopt(instance, targetById.get(instance.id), targetsKnown, now);
    }
    return waiting;
  }

  /** adopt records a running instance as a worker and registers it when the balancer lacks it. */
  private async adopt(
    instance: ComputeInstance,
    target: TargetStatus | undefined,
    targetsKnown: boolean,
    now: Date,
  ): Promise<void> {
    const record: InstanceRecord = {
      ...newLaunchRecord(`adopted:${instance.id}`, 'adopted: running without a record', now),
      instanceId: instance.id,
      state: 'running',
      address: instance.address,
      launchedAt: instance.launchedAt,
      launchAttempts: 1,
    };
    const adopted = target ? withHealth(record, target.health, now) : record;
    await this.store.insert(adopted);
    await this.changes.announce(adopted, undefined, adopted.cause, now);
    if (targetsKnown && !target) {
      try {
        await this.loadBalancer.register({ id: instance.id, address: instance.address ?? '' });
      } catch (error) {
        this.logger.warn(`cannot register adopted ${instance.id}: ${errorMessage(error)}`);
      }
    }
  }

  /** deregisterStale removes targets of workers the fleet does not run (terminated, unknown). */
  async deregisterStale(targets: TargetStatus[], handled: Set<string | null>): Promise<void> {
    const live = await this.store.listLive();
    const liveIds = new Set(live.map((r) => r.instanceId));
    for (const target of targets) {
      if (liveIds.has(target.id) || handled.has(target.id) || target.health === 'draining')
        continue;
      this.logger.warn(`deregistering ${target.id}: the fleet does not run it`);
      await this.drain.deregister(target.id);
    }
  }
}
