import { ClearResult, JANITOR_CLEAR } from '@app/contracts';
import { firstValueFrom, toArray } from 'rxjs';
import { FakeBus } from '../../test/support/fake-bus';
import { loadGatewayConfig } from '../gateway.config';
import { ServiceUnavailableError, TimedOutError } from '../http/gateway.errors';
import { ClearService } from './clear.service';

const result = (commandId: string): ClearResult => ({
  commandId,
  objects: 3,
  images: 2,
  users: 1,
  durationMs: 40,
  at: new Date().toISOString(),
});

describe('ClearService', () => {
  const config = loadGatewayConfig({ CLEAR_TIMEOUT_S: '5' });
  let bus: FakeBus;
  let service: ClearService;

  beforeEach(() => {
    bus = new FakeBus();
    service = new ClearService(bus.asBus(), config);
  });

  afterEach(() => {
    service.onApplicationShutdown();
    jest.useRealTimers();
  });

  it('should refuse at once, sending nothing, when the janitor does not answer', async () => {
    bus.down.add('janitor');
    await expect(service.start('test')).rejects.toBeInstanceOf(ServiceUnavailableError);
    expect(bus.commands).toHaveLength(0);
  });

  it('should send JANITOR_CLEAR and resolve with the result of that command only', async () => {
    const commandId = await service.start('test');
    expect(bus.commands).toEqual([
      { pattern: JANITOR_CLEAR.pattern, payload: { commandId, reason: 'test' } },
    ]);
    const waiting = service.wait(commandId);
    const mine = result(commandId);
    service.onCleared(result('another-command'));
    service.onCleared(mine);
    await expect(waiting).resolves.toEqual(mine);
    expect(service.result(commandId)).toEqual(mine);
  });

  it('should answer a result that arrived before anyone waited', async () => {
    const commandId = await service.start('test');
    service.onCleared(result(commandId));
    await expect(service.wait(commandId)).resolves.toMatchObject({ commandId });
  });

  it('should replay the progress and the end to a late subscriber', async () => {
    const commandId = await service.start('test');
    const at = new Date().toISOString();
    service.onProgress({ commandId, phase: 'objects', objectsDeleted: 1000, at });
    service.onProgress({ commandId, phase: 'rows', objectsDeleted: 1500, at });
    service.onCleared(result(commandId));
    const updates = await firstValueFrom(service.updates$(commandId).pipe(toArray()));
    expect(updates.map((u) => u.type)).toEqual(['progress', 'cleared']);
  });

  it('should give up with 504 after CLEAR_TIMEOUT_S', async () => {
    jest.useFakeTimers();
    const commandId = await service.start('test');
    const waiting = service.wait(commandId);
    jest.advanceTimersByTime(5000);
    await expect(waiting).rejects.toBeInstanceOf(TimedOutError);
  });
});
