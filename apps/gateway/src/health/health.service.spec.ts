import { FakeBus } from '../../test/support/fake-bus';
import { loadGatewayConfig } from '../gateway.config';
import { HealthService } from './health.service';

describe('HealthService', () => {
  const config = loadGatewayConfig({});

  it('should be ok when the broker and every service answer', async () => {
    const bus = new FakeBus();
    await expect(new HealthService(bus.asBus(), config).check()).resolves.toEqual({
      status: 'ok',
      broker: 'up',
      services: { fleet: 'up', metrics: 'up', scaler: 'up', janitor: 'up' },
    });
  });

  it('should name the service that does not answer', async () => {
    const bus = new FakeBus();
    bus.down.add('scaler');
    await expect(new HealthService(bus.asBus(), config).check()).resolves.toEqual({
      status: 'degraded',
      broker: 'up',
      services: { fleet: 'up', metrics: 'up', scaler: 'down', janitor: 'up' },
    });
  });

  it('should report every service down, without asking, when the broker is down', async () => {
    const bus = new FakeBus();
    bus.connected = false;
    await expect(new HealthService(bus.asBus(), config).check()).resolves.toEqual({
      status: 'degraded',
      broker: 'down',
      services: { fleet: 'down', metrics: 'down', scaler: 'down', janitor: 'down' },
    });
  });
});
