import {
  FLEET_INSTANCE_STATE,
  FLEET_POOL_CHANGED,
  FLEET_SNAPSHOT,
  FleetSnapshot,
  InstanceStateChanged,
  PoolChanged,
} from '@app/contracts';
import { validatePayload } from '@app/messaging';
import { FleetEvents } from '../events/fleet.events';

/**
 * RecordingFleetEvents keeps every fleet event in memory, after validating it against its
 * contract exactly as the message bus would (a payload the bus would refuse fails the spec).
 */
export class RecordingFleetEvents extends FleetEvents {
  readonly states: InstanceStateChanged[] = [];
  readonly pools: PoolChanged[] = [];
  readonly snapshots: FleetSnapshot[] = [];

  async instanceState(event: InstanceStateChanged): Promise<void> {
    validatePayload(FLEET_INSTANCE_STATE.pattern, FLEET_INSTANCE_STATE.dto, event);
    this.states.push(event);
  }

  async poolChanged(event: PoolChanged): Promise<void> {
    validatePayload(FLEET_POOL_CHANGED.pattern, FLEET_POOL_CHANGED.dto, event);
    this.pools.push(event);
  }

  async snapshot(event: FleetSnapshot): Promise<void> {
    validatePayload(FLEET_SNAPSHOT.pattern, FLEET_SNAPSHOT.dto, event);
    this.snapshots.push(event);
  }

  /** statesOf lists the events of one worker as `state/health: cause`. */
  statesOf(id: string): string[] {
    return this.states
      .filter((e) => e.instanceId === id)
      .map((e) => `${e.state}/${e.health}: ${e.cause}`);
  }
}
