import { Logger } from '@nestjs/common';
import { loadBalancerConfig } from '../balancer.config';
import { HealthCheckResult } from './target';
import { TargetStateFile } from './target-state.file';
import { TargetRegistry } from './target.registry';

const pass: HealthCheckResult = { passed: true };

function registryWith(env: NodeJS.ProcessEnv = {}): TargetRegistry {
  return new TargetRegistry(
    loadBalancerConfig({
      BALANCER_HEALTHY_THRESHOLD: '1',
      BALANCER_UNHEALTHY_THRESHOLD: '1',
      BALANCER_ADMIN_TOKEN: 'a-token-of-16-chars',
      ...env,
    }),
    new TargetStateFile(null),
  );
}

/** registerHealthy registers targets and passes one health check each (threshold 1). */
function registerHealthy(registry: TargetRegistry, ...ids: string[]): void {
  ids.forEach((id, i) => {
    const { target } = registry.register(id, `127.0.0.1:${5000 + i}`);
    registry.recordCheck(id, target.generation, pass);
  });
}

describe('TargetRegistry', () => {
  beforeAll(() => Logger.overrideLogger(false));
  let registry: TargetRegistry;
  beforeEach(() => {
    registry = registryWith();
  });
  afterEach(() => registry.onModuleDestroy());

  it('should pick healthy targets in round-robin order', () => {
    registerHealthy(registry, 'a', 'b', 'c');
    const picks = Array.from({ length: 6 }, () => registry.pick()?.target.id);
    expect(picks).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
  });

  it('should skip targets that are not healthy, and the excluded one', () => {
    registerHealthy(registry, 'a', 'b');
    registry.register('c', '127.0.0.1:6000'); // initial: no check passed yet
    const picks = Array.from({ length: 4 }, () => registry.pick('a')?.target.id);
    expect(picks).toEqual(['b', 'b', 'b', 'b']);
  });

  it('should return undefined when no target is registered at all', () => {
    expect(registry.pick()).toBeUndefined();
    expect(registry.failingOpen).toBe(false);
  });

  it.each([
    // [name, targets as id:health, exclude, expected picks, failing open]
    [
      'no healthy target: fail open over every registered one, like an ALB',
      ['a:unhealthy', 'b:initial', 'c:unhealthy'],
      undefined,
      ['a', 'b', 'c', 'a'],
      true,
    ],
    [
      'one healthy target among unhealthy ones: only it is served (no fail open)',
      ['a:unhealthy', 'b:healthy', 'c:unhealthy'],
      undefined,
      ['b', 'b', 'b', 'b'],
      false,
    ],
    [
      'failing open never sends to a draining target (it was deregistered on purpose)',
      ['a:unhealthy', 'b:draining', 'c:unhealthy'],
      undefined,
      ['a', 'c', 'a', 'c'],
      true,
    ],
    [
      'a retry failing open skips the target that refused the connection',
      ['a:unhealthy', 'b:unhealthy'],
      'a',
      ['b', 'b'],
      true,
    ],
    [
      'only draining targets left: nothing to fail open to',
      ['a:draining'],
      undefined,
      [undefined, undefined],
      false,
    ],
  ])('%s', (_name, spec, exclude, picks, failOpen) => {
    for (const [i, entry] of spec.entries()) {
      const [id, health] = entry.split(':');
      const target = registry.register(id, `127.0.0.1:${5000 + i}`).target;
      // Health is set directly: the thresholds are covered by target.spec.ts.
      if (health !== 'initial') target.health = health as typeof target.health;
      if (health === 'draining') registry.acquire(target); // in flight, so it stays listed
    }
    const seen = Array.from({ length: picks.length }, () => registry.pick(exclude));
    expect(seen.map((p) => p?.target.id)).toEqual(picks);
    expect(seen.every((p) => p === undefined || p.failOpen === failOpen)).toBe(true);
    expect(registry.failingOpen).toBe(failOpen);
  });

  it('should treat registering the same address again as a no-op (health kept)', () => {
    registerHealthy(registry, 'a');
    const again = registry.register('a', '127.0.0.1:5000');
    expect(again.created).toBe(false);
    expect(again.target.health).toBe('healthy');
  });

  it('should restart health checking when a target is registered at a new address', () => {
    registerHealthy(registry, 'a');
    const moved = registry.register('a', '127.0.0.1:7000');
    expect(moved).toMatchObject({ created: false, target: { health: 'initial', port: 7000 } });
  });

  it('should drop a health result meant for an earlier registration of the same id', () => {
    const first = registry.register('a', '127.0.0.1:5000').target.generation;
    registry.register('a', '127.0.0.1:7000');
    registry.recordCheck('a', first, pass);
    expect(registry.get('a')?.health).toBe('initial');
  });

  it('should remove a deregistered target at once when nothing is in flight', () => {
    registerHealthy(registry, 'a');
    expect(registry.deregister('a')?.health).toBe('draining');
    expect(registry.get('a')).toBeUndefined();
  });

  it('should keep a draining target until its last in-flight request is released', () => {
    registerHealthy(registry, 'a', 'b');
    const a = registry.get('a')!;
    registry.acquire(a);
    registry.acquire(a);
    registry.deregister('a');
    expect(registry.get('a')).toMatchObject({ health: 'draining', inFlight: 2 });
    // A draining target gets no new requests.
    expect([registry.pick()?.target.id, registry.pick()?.target.id]).toEqual(['b', 'b']);
    registry.release(a);
    expect(registry.get('a')?.inFlight).toBe(1);
    registry.release(a);
    expect(registry.get('a')).toBeUndefined();
  });

  it('should bring a draining target back to initial when it is registered again', () => {
    registerHealthy(registry, 'a');
    const a = registry.get('a')!;
    registry.acquire(a);
    registry.deregister('a');
    const back = registry.register('a', '127.0.0.1:5000');
    expect(back.target).toMatchObject({ health: 'initial', inFlight: 1 });
    registry.release(a);
    expect(registry.get('a')?.health).toBe('initial');
  });

  it('should remove a draining target after the deregistration delay even with requests in flight', async () => {
    const short = registryWith({ BALANCER_DEREGISTRATION_DELAY_MS: '20' });
    registerHealthy(short, 'a');
    short.acquire(short.get('a')!);
    short.deregister('a');
    expect(short.get('a')?.health).toBe('draining');
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(short.get('a')).toBeUndefined();
    short.onModuleDestroy();
  });

  it('should answer undefined when deregistering an unknown target', () => {
    expect(registry.deregister('nope')).toBeUndefined();
  });
});
