import { Injectable, Logger } from '@nestjs/common';
import {
  FLEET_INSTANCE_STATE,
  FLEET_POOL_CHANGED,
  FLEET_SNAPSHOT,
  FleetSnapshot,
  InstanceStateChanged,
  PoolChanged,
} from '@app/contracts';
import { MessageBus } from '@app/messaging';

/**
 * FleetEvents publishes what happens to the pool: a worker's state or health changed, the desired
 * size changed, the pool after a reconcile pass. A port (and DI token), so unit specs record them.
 */
export abstract class FleetEvents {
  abstract instanceState(event: InstanceStateChanged): Promise<void>;
  abstract poolChanged(event: PoolChanged): Promise<void>;
  abstract snapshot(event: FleetSnapshot): Promise<void>;
}

/**
 * BusFleetEvents publishes fleet events on the events exchange. A broker outage never stops the
 * fleet: the failure is logged and the pool keeps converging (the next snapshot tells the truth).
 */
@Injectable()
export class BusFleetEvents extends FleetEvents {
  private readonly logger = new Logger('FleetEvents');

  constructor(private readonly bus: MessageBus) {
    super();
  }

  instanceState(event: InstanceStateChanged): Promise<void> {
    this.logger.log(`${event.instanceId} ${event.state}/${event.health}: ${event.cause}`);
    return this.publish(() => this.bus.emit(FLEET_INSTANCE_STATE, event));
  }

  poolChanged(event: PoolChanged): Promise<void> {
    this.logger.log(`desired ${event.previous} -> ${event.desired}: ${event.cause}`);
    return this.publish(() => this.bus.emit(FLEET_POOL_CHANGED, event));
  }

  snapshot(event: FleetSnapshot): Promise<void> {
    return this.publish(() => this.bus.emit(FLEET_SNAPSHOT, event));
  }

  private async publish(emit: () => Promise<void>): Promise<void> {
    try {
      await emit();
    } catch (error) {
      this.logger.warn(`could not publish a fleet event: ${(error as Error).message}`);
    }
  }
}
