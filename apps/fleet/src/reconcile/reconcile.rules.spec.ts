import { TargetHealth } from '@app/contracts';
import { InstanceRecord, newLaunchRecord } from '../store/fleet.store';
import { chooseSurplus, launchToken, replacementReason, withHealth } from './reconcile.rules';

const T0 = new Date('2024-05-01T10:00:00Z');
const at = (s: number) => new Date(T0.getTime() + s * 1000);

function worker(
  id: string,
  health: TargetHealth,
  launchedS: number,
  extra: Partial<InstanceRecord> = {},
) {
  return {
    ...newLaunchRecord(`token-${id}`, 'spec', at(launchedS)),
    instanceId: id,
    state: 'running' as const,
    health,
    launchedAt: at(launchedS),
    ...extra,
  };
}

describe('chooseSurplus', () => {
  const a = worker('i-0000000000000000a', 'healthy', 0);
  const b = worker('i-0000000000000000b', 'healthy', 100);
  const c = worker('i-0000000000000000c', 'unhealthy', 50);
  const d = worker('i-0000000000000000d', 'initial', 10);

  it.each([
    ['nothing when nothing is surplus', [a, b, c, d], 0, []],
    ['the unhealthy one first, whatever its age', [a, b, c, d], 1, [c]],
    ['then one not proven healthy yet (initial) before the healthy ones', [a, b, c, d], 2, [c, d]],
    ['then the newest healthy one: the oldest have proven themselves', [a, b, c, d], 3, [c, d, b]],
    ['everything when everything is surplus', [a, b, c, d], 4, [c, d, b, a]],
    [
      'among equal launch times, the later in the list (the newer record)',
      [a, worker('i-0000000000000000e', 'healthy', 0)],
      1,
      ['i-0000000000000000e'],
    ],
  ])('should choose %s', (_name, workers, count, expected) => {
    const chosen = chooseSurplus(workers as InstanceRecord[], count as number).map(
      (r) => r.instanceId,
    );
    const ids = (expected as (InstanceRecord | string)[]).map((e) =>
      typeof e === 'string' ? e : e.instanceId,
    );
    expect(chosen).toEqual(ids);
  });
});

describe('replacementReason', () => {
  const GRACE = 60000;

  it.each([
    [
      'keeps a healthy worker',
      worker('i-0000000000000000a', 'healthy', 0, { healthyAt: at(5) }),
      1000,
      null,
    ],
    [
      'keeps a new worker within the grace period of its launch',
      worker('i-0000000000000000a', 'initial', 0),
      60,
      null,
    ],
    [
      'replaces a worker never healthy after the grace period of its launch',
      worker('i-0000000000000000a', 'initial', 0),
      61,
      'replaced: never became healthy within 60 s of its launch',
    ],
    [
      'keeps a worker unhealthy for exactly the grace period (strictly longer is needed)',
      worker('i-0000000000000000a', 'unhealthy', 0, { healthyAt: at(5), unhealthySince: at(100) }),
      160,
      null,
    ],
    [
      'replaces a worker unhealthy for longer than the grace period',
      worker('i-0000000000000000a', 'unhealthy', 0, { healthyAt: at(5), unhealthySince: at(100) }),
      161,
      'replaced: unhealthy for more than 60 s',
    ],
    [
      'counts the grace period from the adoption of a worker found running by a restarted fleet',
      worker('i-0000000000000000a', 'initial', 0, { requestedAt: at(1000) }),
      1030,
      null,
    ],
    [
      'keeps a once-healthy worker re-registered after a balancer restart (initial again)',
      worker('i-0000000000000000a', 'initial', 0, { healthyAt: at(5) }),
      1000,
      null,
    ],
  ])('%s', (_name, record, nowS, expected) => {
    expect(replacementReason(record as InstanceRecord, at(nowS as number), GRACE)).toBe(expected);
  });
});

describe('withHealth', () => {
  it('should remember the first time a worker was healthy', () => {
    const healthy = withHealth(worker('i-0000000000000000a', 'initial', 0), 'healthy', at(5));
    const again = withHealth({ ...healthy, health: 'unhealthy' }, 'healthy', at(50));
    expect(healthy.healthyAt).toEqual(at(5));
    expect(again.healthyAt).toEqual(at(5));
  });

  it('should keep the start of an unhealthy streak until the worker is healthy again', () => {
    const sick = withHealth(worker('i-0000000000000000a', 'healthy', 0), 'unhealthy', at(10));
    const stillSick = withHealth(sick, 'unhealthy', at(20));
    const well = withHealth(stillSick, 'healthy', at(30));
    expect(stillSick.unhealthySince).toEqual(at(10));
    expect(well.unhealthySince).toBeNull();
  });
});

describe('launchToken', () => {
  it('should derive a token of at most 64 characters from a command id and an index', () => {
    const token = launchToken('7d3f9a52-0c1e-4b8a-9f47-2b6c1d0e5a11', 19);
    expect(token).toBe('7d3f9a52-0c1e-4b8a-9f47-2b6c1d0e5a11:19');
    expect(token.length).toBeLessThanOrEqual(64);
  });
});
