import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { freePort, TEST_BALANCER_ADMIN_TOKEN, waitFor } from '@app/testing';
import { RunningBalancer, startBalancer } from '../../../apps/balancer/src/balancer.app';
import { loadBalancerConfig } from '../../../apps/balancer/src/balancer.config';
import { LoadBalancerAdminError, LocalLoadBalancerAdapter, loadLocalCloudConfig } from '../src';
import { createFakeWorker, FakeWorker } from './fixtures/fake-worker';

describe('LocalLoadBalancerAdapter (against a real balancer)', () => {
  let balancer: RunningBalancer;
  let worker: FakeWorker;
  let address: string;
  let lb: LocalLoadBalancerAdapter;
  const dir = mkdtempSync(join(tmpdir(), 'ebbflow-lb-adapter-'));

  beforeAll(async () => {
    balancer = await startBalancer(
      loadBalancerConfig({
        BALANCER_PORT: '0',
        BALANCER_HOST: '127.0.0.1',
        BALANCER_ADMIN_PORT: '0',
        BALANCER_HEALTH_INTERVAL_MS: '100',
        BALANCER_HEALTH_TIMEOUT_MS: '80',
        BALANCER_STATE_FILE: join(dir, 'targets.json'),
        BALANCER_ADMIN_TOKEN: TEST_BALANCER_ADMIN_TOKEN,
      }),
      { logger: false },
    );
    worker = createFakeWorker({ instanceId: 'i-0abc0abc0abc0abc0' });
    address = `127.0.0.1:${await worker.listen()}`;
    lb = new LocalLoadBalancerAdapter(
      loadLocalCloudConfig({
        BALANCER_ADMIN_URL: balancer.adminUrl + '/',
        BALANCER_PUBLIC_URL: 'http://localhost:18080/',
        BALANCER_ADMIN_TOKEN: TEST_BALANCER_ADMIN_TOKEN,
      }),
    );
  });

  afterAll(async () => {
    await balancer?.close();
    await worker?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('should register a target, which goes from initial to healthy and serves traffic', async () => {
    await lb.register({ id: 'i-0abc0abc0abc0abc0', address });
    const [first] = await lb.describeHealth();
    expect(first.id).toBe('i-0abc0abc0abc0abc0');
    expect(['initial', 'healthy']).toContain(first.health);
    await waitFor(async () => (await lb.describeHealth())[0]?.health === 'healthy', {
      what: 'the target to become healthy',
    });
    expect(await lb.describeHealth()).toEqual([{ id: 'i-0abc0abc0abc0abc0', health: 'healthy' }]);
    const res = await fetch(balancer.proxyUrl + '/health');
    expect(res.headers.get('x-ebbflow-instance')).toBe('i-0abc0abc0abc0abc0');
    // Registering again is idempotent: still healthy.
    await lb.register({ id: 'i-0abc0abc0abc0abc0', address });
    expect((await lb.describeHealth())[0].health).toBe('healthy');
  });

  it('should report the reason of an unhealthy target', async () => {
    worker.setHealthStatus(500);
    await waitFor(async () => (await lb.describeHealth())[0]?.health === 'unhealthy');
    expect(await lb.describeHealth()).toEqual([
      { id: 'i-0abc0abc0abc0abc0', health: 'unhealthy', reason: 'Target.ResponseCodeMismatch' },
    ]);
    worker.setHealthStatus(200);
  });

  it('should deregister a target (gone once drained) and accept deregistering an unknown one', async () => {
    await lb.deregister('i-0abc0abc0abc0abc0');
    expect(await lb.describeHealth()).toEqual([]);
    await expect(lb.deregister('i-0abc0abc0abc0abc0')).resolves.toBeUndefined();
  });

  it('should surface a refused registration with the status and the balancer message', async () => {
    const error = await lb
      .register({ id: 'i-0abc0abc0abc0abc0', address: 'nowhere' })
      .catch((e) => e);
    expect(error).toBeInstanceOf(LoadBalancerAdminError);
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/answered 400: address: must be host:port/);
  });

  it('should send the admin token, and say which variable to check when it is refused', async () => {
    // The calls above succeeded with TEST_BALANCER_ADMIN_TOKEN; another token is refused.
    const wrong = new LocalLoadBalancerAdapter(
      loadLocalCloudConfig({
        BALANCER_ADMIN_URL: balancer.adminUrl,
        BALANCER_ADMIN_TOKEN: 'not-the-balancer-token',
      }),
    );
    const error = await wrong.describeHealth().catch((e) => e);
    expect(error).toBeInstanceOf(LoadBalancerAdminError);
    expect(error.status).toBe(401);
    expect(error.message).toMatch(/answered 401: the admin token is wrong \(BALANCER_ADMIN_TOKEN/);
  });

  it('should give the public URL from BALANCER_PUBLIC_URL', async () => {
    expect(await lb.publicUrl()).toBe('http://localhost:18080');
  });

  it('should fail fast with a clear error when the balancer is not running', async () => {
    const down = new LocalLoadBalancerAdapter(
      loadLocalCloudConfig({ BALANCER_ADMIN_URL: `http://127.0.0.1:${await freePort()}` }),
    );
    await expect(down.describeHealth()).rejects.toThrow(
      /GET .*\/targets failed: ECONNREFUSED \(is the balancer running\?\)/,
    );
  });
});
