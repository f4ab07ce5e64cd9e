import { FleetStore, InstanceRecord } from '../store/fleet.store';
import { Clock } from '../reconcile/reconcile.settings';
import { FleetEvents } from './fleet.events';
import { instanceStateEvent, PreviousState } from './instance-state.event';

/**
 * InstanceChanges stores a worker's record change and announces it when its state or health
 * changed: what launches, drains and adoption share so each change is announced the same way.
 */
export class InstanceChanges {
  constructor(
    private readonly store: FleetStore,
    private readonly events: FleetEvents,
    private readonly clock: Clock,
  ) {}

  /** change stores `next` over `record` and announces a state or health change with its cause. */
  async change(record: InstanceRecord, next: InstanceRecord, cause: string): Promise<void> {
    const previous: PreviousState = { state: record.state, health: record.health };
    await this.store.update(next);
    Object.assign(record, next);
    if (next.instanceId && (next.state !== previous.state || next.health !== previous.health)) {
      await this.announce(next, previous, cause, this.clock());
    }
  }

  /** announce publishes the state of `record` (after `previous`, if any) with its cause. */
  announce(
    record: InstanceRecord,
    previous: PreviousState | undefined,
    cause: string,
    at: Date,
  ): Promise<void> {
    return this.events.instanceState(instanceStateEvent(record, previous, cause, at));
  }
}
