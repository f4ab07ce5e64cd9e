import { FakeBus } from '../../test/support/fake-bus';
import { loadGatewayConfig } from '../gateway.config';
import { DatabasePing } from './database.ping';
import { HealthService } from './health.service';

/** FakeDatabasePing answers up, or down while `down` is set. */
class FakeDatabasePing extends DatabasePing {
  down = false;
  ping(): Promise<void> {
    return this.down ? Promise.reject(new Error('connect ECONNREFUSED')) : Promise.resolve();
  }
}

describe('HealthService', () => {
  const config = loadGatewayConfig({});

  it('should be ok when the broker and every service answer', async () => {
    const bus = new FakeBus();
    await expect(
      new HealthService(bus.asBus(), config, new FakeDatabasePing()).check(),
    ).resolves.toEqual({
      status: 'ok',
      broker: 'up',
      database: 'up',
      services: { fleet: 'up', metrics: 'up', scaler: 'up', janitor: 'up' },
    });
  });

  it('should name the service that does not answer', async () => {
    const bus = new FakeBus();
    bus.down.add('scaler');
    await expect(
      new HealthService(bus.asBus(), config, new FakeDatabasePing()).check(),
    ).resolves.toEqual({
      status: 'degraded',
      broker: 'up',
      database: 'up',
      services: { fleet: 'up', metrics: 'up', scaler: 'down', janitor: 'up' },
    });
  });

  it('should report every service down, without asking, when the broker is down', async () => {
    const bus = new FakeBus();
    bus.connected = false;
    await expect(
      new HealthService(bus.asBus(), config, new FakeDatabasePing()).check(),
    ).resolves.toEqual({
      status: 'degraded',
      broker: 'down',
      database: 'up',
      services: { fleet: 'down', metrics: 'down', scaler: 'down', janitor: 'down' },
    });
  });

  it('should be degraded, naming the database, when MySQL does not answer', async () => {
    const bus = new FakeBus();
    const database = new FakeDatabasePing();
    database.down = true;
    await expect(new HealthService(bus.asBus(), config, database).check()).resolves.toEqual({
      status: 'degraded',
      broker: 'up',
      database: 'down',
      services: { fleet: 'up', metrics: 'up', scaler: 'up', janitor: 'up' },
    });
  });
});
