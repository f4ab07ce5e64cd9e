import { DynamicModule, Global, Module } from '@nestjs/common';
import { ServiceName } from '@app/contracts';
import { MessageBus } from './message-bus';
import { loadMessagingConfig, MessagingConfig } from './messaging.config';
import { RmqServer, RmqServerOptions } from './rmq.server';

/** MESSAGING_CONFIG is the DI token of the validated broker configuration. */
export const MESSAGING_CONFIG = Symbol('MESSAGING_CONFIG');

/**
 * MessagingModule provides the MessageBus for one service. `forRoot` reads AMQP_* from the
 * environment unless a config is given (tests pass their own namespace).
 */
@Global()
@Module({})
export class MessagingModule {
  static forRoot(service: ServiceName, config?: MessagingConfig): DynamicModule {
    const cfg = config ?? loadMessagingConfig();
    return {
      module: MessagingModule,
      providers: [
        { provide: MESSAGING_CONFIG, useValue: cfg },
        { provide: MessageBus, useFactory: () => new MessageBus(service, cfg) },
      ],
      exports: [MessageBus, MESSAGING_CONFIG],
    };
  }
}

/** createRmqServer builds the transport strategy for `connectMicroservice`/`createMicroservice`. */
export function createRmqServer(
  service: ServiceName,
  config?: MessagingConfig,
  options?: RmqServerOptions,
): RmqServer {
  return new RmqServer(service, config ?? loadMessagingConfig(), options);
}
