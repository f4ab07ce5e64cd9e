import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  FLEET_GROW,
  FLEET_REMOVE_WORKER,
  FLEET_SET_DESIRED,
  FLEET_SHRINK,
  FLEET_TERMINATE,
  FLEET_TERMINATE_ALL,
  GrowCommand,
  RemoveWorkerQuery,
  RemoveWorkerReply,
  SetDesiredCommand,
  ShrinkCommand,
  TerminateAllCommand,
  TerminateCommand,
} from '@app/contracts';
import { PoolService } from './pool.service';

/**
 * PoolMessageController receives the fleet's commands from RabbitMQ (payloads already validated
 * against the contract). A handler that throws is retried, then dead-lettered, by the transport;
 * a repeated delivery is recognised by its commandId and changes nothing. FLEET_REMOVE_WORKER is
 * the one query here: a command whose caller waits for the verdict.
 */
@Controller()
export class PoolMessageController {
  constructor(private readonly pool: PoolService) {}

  @MessagePattern(FLEET_GROW.pattern)
  grow(@Payload() command: GrowCommand): Promise<string> {
    return this.pool.grow(command);
  }

  @MessagePattern(FLEET_SHRINK.pattern)
  shrink(@Payload() command: ShrinkCommand): Promise<string> {
    return this.pool.shrink(command);
  }

  @MessagePattern(FLEET_SET_DESIRED.pattern)
  setDesired(@Payload() command: SetDesiredCommand): Promise<string> {
    return this.pool.setDesired(command);
  }

  @MessagePattern(FLEET_TERMINATE.pattern)
  terminate(@Payload() command: TerminateCommand): Promise<string> {
    return this.pool.terminate(command);
  }

  /** removeWorker is "Destroy" as a query: the gateway answers the fleet's verdict. */
  @MessagePattern(FLEET_REMOVE_WORKER.pattern)
  removeWorker(@Payload() query: RemoveWorkerQuery): Promise<RemoveWorkerReply> {
    return this.pool.removeWorker(query);
  }

  @MessagePattern(FLEET_TERMINATE_ALL.pattern)
  terminateAll(@Payload() command: TerminateAllCommand): Promise<string> {
    return this.pool.terminateAll(command);
  }
}
