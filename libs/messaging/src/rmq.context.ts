import { BaseRpcContext } from '@nestjs/microservices';
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';

/** RmqContext gives a handler the raw message, its channel and its pattern. */
export class RmqContext extends BaseRpcContext<[ConsumeMessage, ConfirmChannel, string]> {
  getMessage(): ConsumeMessage {
    return this.args[0];
  }
  getPattern(): string {
    return this.args[2];
  }
  /** getAttempt is 1 on first delivery, 2 after one failed attempt, and so on. */
  getAttempt(): number {
    return Number(this.args[0].properties.headers?.['x-ebbflow-attempts'] ?? 0) + 1;
  }
}
