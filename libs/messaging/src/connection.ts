import { Logger } from '@nestjs/common';
import amqp, { AmqpConnectionManager } from 'amqp-connection-manager';

/** BrokerConnection wraps one reconnecting AMQP connection and tracks whether it is up. */
export class BrokerConnection {
  readonly manager: AmqpConnectionManager;
  private up = false;
  private readonly logger: Logger;

  constructor(url: string, name: string) {
    this.logger = new Logger(`Broker:${name}`);
    // A 1 s reconnect delay and 5 s heartbeats: after `rabbitmqctl close_all_connections` or a
    // broker restart, services consume again within a couple of seconds.
    this.manager = amqp.connect([url], {
      heartbeatIntervalInSeconds: 5,
      reconnectTimeInSeconds: 1,
      connectionOptions: { clientProperties: { connection_name: `ebbflow-${name}` } },
    });
    let connectedBefore = false;
    this.manager.on('connect', () => {
      this.up = true;
      // The first connection is a debug line (two per service at each start, issue #15); a
      // reconnection after a "connection lost" warning is worth reading.
      if (connectedBefore) this.logger.log('reconnected to the broker');
      else this.logger.debug('connected to the broker');
      connectedBefore = true;
    });
    this.manager.on('disconnect', ({ err }) => {
      if (this.up) this.logger.warn(`broker connection lost: ${err?.message ?? 'closed'}`);
      this.up = false;
    });
    this.manager.on('connectFailed', ({ err }) => {
      this.logger.warn(`cannot reach the broker: ${err?.message ?? err}; retrying`);
    });
  }

  /** isConnected tells whether the connection is up right now. */
  get isConnected(): boolean {
    return this.up && this.manager.isConnected();
  }

  async close(): Promise<void> {
    await this.manager.close();
  }
}
