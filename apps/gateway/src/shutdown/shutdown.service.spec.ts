import {
  FLEET_LIST,
  FLEET_TERMINATE_ALL,
  SCALER_DISABLE,
  SYSTEM_SHUTDOWN,
  WorkerState,
  WorkerView,
} from '@app/contracts';
import { FakeBus } from '../../test/support/fake-bus';
import { loadGatewayConfig } from '../gateway.config';
import { ServiceUnavailableError, TimedOutError } from '../http/gateway.errors';
import { describeWorkers, ShutdownService } from './shutdown.service';

describe('describeWorkers', () => {
  it.each([
    [[], 'no worker left'],
    [
      [{ id: 'i-0000000a', state: 'draining', health: 'draining' }],
      '1 worker left: i-0000000a draining (draining)',
    ],
    [
      [
        { id: 'i-0000000a', state: 'draining', health: 'draining' },
        { id: 'i-0000000b', state: 'running', health: 'healthy' },
      ],
      '2 workers left: i-0000000a draining (draining), i-0000000b running (healthy)',
    ],
  ] as const)('should phrase %j', (workers, text) => {
    expect(describeWorkers([...workers])).toBe(text);
  });
});

describe('ShutdownService', () => {
  const config = loadGatewayConfig({ SHUTDOWN_TIMEOUT_S: '1', SHUTDOWN_POLL_MS: '50' });
  const worker = (id: string, state: WorkerState): WorkerView => ({
    id,
    state,
    health: state === 'running' ? 'healthy' : 'draining',
    address: null,
    launchedAt: new Date().toISOString(),
  });

  it('should stop nothing when the fleet does not answer', async () => {
    const bus = new FakeBus();
    bus.down.add('fleet');
    await expect(new ShutdownService(bus.asBus(), config).run()).rejects.toBeInstanceOf(
      ServiceUnavailableError,
    );
    expect(bus.commands).toHaveLength(0);
    expect(bus.emitted).toHaveLength(0);
  });

  it('should terminate, disable, wait for the pool to drain, then ask everyone to stop', async () => {
    const bus = new FakeBus();
    const lists = [
      [worker('i-0000000a', 'running')],
      [worker('i-0000000a', 'draining')],
      [worker('i-0000000a', 'terminated')],
    ];
    bus.answer(FLEET_LIST, () => ({
      desired: 0,
      workers: lists.length > 1 ? lists.shift()! : lists[0],
      loadBalancerUrl: 'http://127.0.0.1:8080',
    }));
    const heard: string[] = [];
    const report = await new ShutdownService(bus.asBus(), config).run((p) => heard.push(p.text));
    expect(bus.commands.map((c) => c.pattern)).toEqual([
      FLEET_TERMINATE_ALL.pattern,
      SCALER_DISABLE.pattern,
    ]);
    expect(bus.emitted.map((e) => e.pattern)).toEqual([SYSTEM_SHUTDOWN.pattern]);
    expect(report).toMatchObject({
      workersTerminated: ['i-0000000a'],
      scalerDisabled: true,
      shutdownRequested: true,
    });
    expect(heard).toEqual([
      'The pool has 1 worker left: i-0000000a running (healthy).',
      'Asked the fleet to drain and terminate every worker.',
      'Disabled the auto-scaler.',
      '1 worker left: i-0000000a draining (draining)',
      'no worker left',
      'Asked every manager service to stop.',
    ]);
  });

  it('should not ask the services to stop while a worker remains after the timeout', async () => {
    const bus = new FakeBus();
    bus.answer(FLEET_LIST, () => ({
      desired: 0,
      workers: [worker('i-0000000a', 'draining')],
      loadBalancerUrl: 'http://127.0.0.1:8080',
    }));
    await expect(new ShutdownService(bus.asBus(), config).run()).rejects.toBeInstanceOf(
      TimedOutError,
    );
    expect(bus.emitted).toHaveLength(0);
  });

  it('should share one run between two requests', async () => {
    const bus = new FakeBus();
    bus.answer(FLEET_LIST, () => ({ desired: 0, workers: [], loadBalancerUrl: '' }));
    const service = new ShutdownService(bus.asBus(), config);
    const [a, b] = await Promise.all([service.run(), service.run()]);
    expect(a).toBe(b);
    expect(bus.commands).toHaveLength(2);
  });
});
