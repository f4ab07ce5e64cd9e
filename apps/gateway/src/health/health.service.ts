import { Inject, Injectable } from '@nestjs/common';
import { MANAGER_SERVICES, ServiceName } from '@app/contracts';
import { MessageBus } from '@app/messaging';
import { GatewayConfig } from '../gateway.config';
import { GATEWAY_CONFIG } from '../gateway.tokens';
import { DatabasePing } from './database.ping';

/** UpDown is the state of one dependency. */
export type UpDown = 'up' | 'down';

/** HealthReport is the body of `/health`. */
export interface HealthReport {
  status: 'ok' | 'degraded';
  broker: UpDown;
  /** The gateway's MySQL (sessions, activity); the services report their own through ping. */
  database: UpDown;
  services: Record<Exclude<ServiceName, 'gateway'>, UpDown>;
}

/**
 * HealthService pings every manager service over RabbitMQ and the gateway's database, in
 * parallel, each with a short timeout.
 */
@Injectable()
export class HealthService {
  constructor(
    private readonly bus: MessageBus,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly database: DatabasePing,
  ) {}

  /** check answers the health of the broker, the database and each service. */
  async check(): Promise<HealthReport> {
    const broker: UpDown = this.bus.isConnected ? 'up' : 'down';
    const databaseCheck = this.database.ping(this.config.HEALTH_PING_TIMEOUT_MS).then(
      (): UpDown => 'up',
      (): UpDown => 'down',
    );
    const results = await Promise.all(
      MANAGER_SERVICES.map(async (service): Promise<[ServiceName, UpDown]> => {
        if (broker === 'down') return [service, 'down'];
        try {
          await this.bus.ping(service, this.config.HEALTH_PING_TIMEOUT_MS);
          return [service, 'up'];
        } catch {
          return [service, 'down'];
        }
      }),
    );
    const database = await databaseCheck;
    const services = Object.fromEntries(results) as HealthReport['services'];
    const allUp = broker === 'up' && database === 'up' && results.every(([, s]) => s === 'up');
    return { status: allUp ? 'ok' : 'degraded', broker, database, services };
  }
}
