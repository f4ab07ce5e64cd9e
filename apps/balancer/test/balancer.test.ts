import { createHash, randomBytes } from 'crypto';
import { mkdtempSync, rmSync } from 'fs';
import { createServer, request } from 'http';
import { AddressInfo } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';
import {
  BALANCER_ADMIN_AUTH,
  FAST_BALANCER_ENV,
  TEST_BALANCER_ADMIN_TOKEN,
  waitFor,
} from '@app/testing';
import { createFakeWorker, FakeWorker } from '../../../libs/cloud/test/fixtures/fake-worker';
import { RunningBalancer, startBalancer } from '../src/balancer.app';
import { loadBalancerConfig } from '../src/balancer.config';
import { NO_TARGET_MESSAGE, NOT_PUBLIC_MESSAGE } from '../src/proxy/balancer.proxy';
import { TargetView } from '../src/targets/target';

/**
 * Fast health checks (targets run in the test process, whose event loop the checks share) and a
 * long deregistration delay.
 */
const FAST = { ...FAST_BALANCER_ENV, BALANCER_DEREGISTRATION_DELAY_MS: '60000' };

/** stateDirs are the folders of the balancers' state files, removed after each test. */
const stateDirs: string[] = [];

async function start(env: Record<string, string> = {}): Promise<RunningBalancer> {
  const dir = mkdtempSync(join(tmpdir(), 'ebbflow-balancer-test-'));
  stateDirs.push(dir);
  return startBalancer(
    loadBalancerConfig({ ...FAST, BALANCER_STATE_FILE: join(dir, 'targets.json'), ...env }),
    { logger: false },
  );
}

/** Harness: a balancer plus the fake workers a test starts, all closed afterwards. */
class Harness {
  readonly workers: FakeWorker[] = [];
  constructor(readonly balancer: RunningBalancer) {}

  async worker(instanceId: string): Promise<{ worker: FakeWorker; address: string }> {
    const worker = createFakeWorker({ instanceId });
    this.workers.push(worker);
    const port = await worker.listen(0, '127.0.0.1');
    return { worker, address: `127.0.0.1:${port}` };
  }

  admin(
    method: string,
    path: string,
    body?: string,
    contentType = 'application/json',
    auth: Record<string, string> = BALANCER_ADMIN_AUTH,
  ) {
    return fetch(this.balancer.adminUrl + path, {
      method,
      body,
      headers: { ...auth, ...(body === undefined ? {} : { 'content-type': contentType }) },
    });
  }

  async register(id: string, address: string): Promise<Response> {
    return this.admin('PUT', `/targets/${id}`, JSON.stringify({ address }));
  }

  async targets(): Promise<TargetView[]> {
    return (await (await this.admin('GET', '/targets')).json()) as TargetView[];
  }

  async target(id: string): Promise<TargetView | undefined> {
    return (await this.targets()).find((t) => t.id === id);
  }

  async waitHealth(id: string, health: string): Promise<TargetView> {
    return waitFor(
      async () => {
        const target = await this.target(id);
        return target?.health === health ? target : undefined;
      },
      { timeoutMs: 10000, intervalMs: 50, what: `${id} ${health}` },
    );
  }

  get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(this.balancer.proxyUrl + path, { headers });
  }

  /** instances answers `count` GETs in sequence and returns who answered each. */
  async instances(count: number): Promise<string[]> {
    const seen: string[] = [];
    for (let i = 0; i < count; i++) {
      const res = await this.get('/api/echo/headers');
      expect(res.status).toBe(200);
      await res.arrayBuffer();
      seen.push(res.headers.get('x-ebbflow-instance') ?? '');
    }
    return seen;
  }

  async close(): Promise<void> {
    await this.balancer.close();
    await Promise.all(this.workers.map((w) => w.close()));
  }
}

describe('balancer (real HTTP, real targets on free ports)', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.close();
    for (const dir of stateDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('should spread requests round robin across 3 healthy targets, with X-Forwarded headers', async () => {
    h = new Harness(await start());
    for (const id of ['i-aaaaaaa1', 'i-aaaaaaa2', 'i-aaaaaaa3']) {
      const { address } = await h.worker(id);
      expect((await h.register(id, address)).status).toBe(201);
    }
    for (const id of ['i-aaaaaaa1', 'i-aaaaaaa2', 'i-aaaaaaa3']) await h.waitHealth(id, 'healthy');

    const seen = await h.instances(9);
    // Round robin: every window of 3 consecutive requests reaches 3 distinct targets.
    for (let i = 0; i < 9; i += 3) expect(new Set(seen.slice(i, i + 3)).size).toBe(3);
    expect(seen.filter((id) => id === 'i-aaaaaaa2')).toHaveLength(3);

    const echoed = (await (await h.get('/api/echo/headers')).json()) as Record<string, string>;
    const proxy = new URL(h.balancer.proxyUrl);
    expect(echoed).toMatchObject({
      'x-forwarded-for': '127.0.0.1',
      'x-forwarded-proto': 'http',
      'x-forwarded-host': proxy.host,
      'x-forwarded-port': proxy.port,
      host: proxy.host,
    });
  });

  it('should take a target that fails its health checks out of rotation and back in when it recovers', async () => {
    h = new Harness(await start());
    const a = await h.worker('i-bbbbbbb1');
    const b = await h.worker('i-bbbbbbb2');
    await h.register('i-bbbbbbb1', a.address);
    await h.register('i-bbbbbbb2', b.address);
    await h.waitHealth('i-bbbbbbb1', 'healthy');
    await h.waitHealth('i-bbbbbbb2', 'healthy');

    b.worker.setHealthStatus(503);
    const sick = await h.waitHealth('i-bbbbbbb2', 'unhealthy');
    expect(sick).toMatchObject({
      reason: 'Target.ResponseCodeMismatch',
      description: 'Health checks failed with these codes: [503]',
    });
    expect(await h.instances(6)).toEqual(Array(6).fill('i-bbbbbbb1'));

    b.worker.setHealthStatus(200);
    const back = await h.waitHealth('i-bbbbbbb2', 'healthy');
    expect(back.reason).toBeNull();
    expect(new Set(await h.instances(4))).toEqual(new Set(['i-bbbbbbb1', 'i-bbbbbbb2']));
  });

  it('should answer 503 with a clear message only when no target is registered at all', async () => {
    h = new Harness(await start());
    const empty = await h.get('/anything', { accept: 'application/json' });
    expect(empty.status).toBe(503);
    expect(empty.headers.get('content-type')).toMatch(/application\/json/);
    expect(await empty.json()).toEqual({
      error: 'Service Unavailable',
      message: NO_TARGET_MESSAGE,
    });
    expect(await (await h.admin('GET', '/health')).json()).toMatchObject({ failOpen: false });
  });

  it('should fail open: forward to every registered target when all fail their health check', async () => {
    h = new Harness(await start());
    const ids = ['i-ccccccc1', 'i-ccccccc2'];
    for (const id of ids) {
      const { worker, address } = await h.worker(id);
      // The check fails everywhere (say, a shared dependency it wrongly waits on is down), yet
      // every other path of the app still works.
      worker.setHealthStatus(500);
      await h.register(id, address);
    }
    for (const id of ids) {
      expect(await h.waitHealth(id, 'unhealthy')).toMatchObject({
        reason: 'Target.ResponseCodeMismatch',
        description: 'Health checks failed with these codes: [500]',
      });
    }
    // Before issue #9 every one of these was a 503.
    expect(new Set(await h.instances(6))).toEqual(new Set(ids));
    const health = await (await h.admin('GET', '/health')).json();
    expect(health).toEqual({ status: 'ok', targets: 2, healthy: 0, failOpen: true });
    const list = await h.admin('GET', '/targets');
    expect(list.headers.get('x-balancer-fail-open')).toBe('true');
    await list.arrayBuffer();

    // One target passing again ends the fail-open: only it is served.
    h.workers[0].setHealthStatus(200);
    await h.waitHealth(ids[0], 'healthy');
    expect(await h.instances(4)).toEqual(Array(4).fill(ids[0]));
    expect(await (await h.admin('GET', '/health')).json()).toMatchObject({ failOpen: false });
  });

  it('should answer 502 when the only target is gone, not fail with a 503', async () => {
    h = new Harness(await start());
    // A target whose process is gone fails its checks (connection refused) and goes unhealthy.
    const a = await h.worker('i-ccccccc3');
    await h.register('i-ccccccc3', a.address);
    await h.waitHealth('i-ccccccc3', 'healthy');
    await a.worker.close();
    expect(await h.waitHealth('i-ccccccc3', 'unhealthy')).toMatchObject({
      reason: 'Target.FailedHealthChecks',
      description: 'Health checks failed: ECONNREFUSED',
    });
    // Failing open, the request is tried on it and refused: the client learns the worker failed.
    const none = await h.get('/api/echo/headers', { accept: 'application/json' });
    expect(none.status).toBe(502);
    expect(await none.json()).toEqual({
      error: 'Bad Gateway',
      message: 'the worker refused the connection',
    });
  });

  it("should answer 404 for the workers' /metrics, however it is spelled, and forward the rest", async () => {
    h = new Harness(await start());
    // A backend that answers every path, /metrics included, as a worker does.
    const seen: string[] = [];
    const backend = createServer((req, res) => {
      seen.push(req.url ?? '');
      res.end(req.url === '/health' ? 'ok' : 'requests_total 42\n');
    });
    await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = backend.address() as AddressInfo;
      await h.register('i-0000metr', `127.0.0.1:${port}`);
      await h.waitHealth('i-0000metr', 'healthy');
      const direct = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(await direct.text()).toBe('requests_total 42\n');
      seen.length = 0;

      for (const path of [
        '/metrics',
        '/metrics?x=1',
        '/metrics/',
        '/METRICS',
        '//metrics',
        '/%6detrics',
      ]) {
        const res = await h.get(path, { accept: 'application/json' });
        expect([path, res.status]).toEqual([path, 404]);
        expect(await res.json()).toEqual({ error: 'Not Found', message: NOT_PUBLIC_MESSAGE });
      }
      // None of them reached the backend; other paths still do.
      expect(seen.filter((url) => url !== '/health')).toEqual([]);
      const page = await h.get('/api/metrics-report');
      expect(page.status).toBe(200);
      await page.arrayBuffer();
    } finally {
      backend.closeAllConnections();
      await new Promise((resolve) => backend.close(resolve));
    }
  });

  it('should stream a 5 MB upload through intact', async () => {
    h = new Harness(await start());
    const a = await h.worker('i-ddddddd1');
    await h.register('i-ddddddd1', a.address);
    await h.waitHealth('i-ddddddd1', 'healthy');

    const body = randomBytes(5 * 1024 * 1024);
    const url = new URL(h.balancer.proxyUrl + '/api/echo/hash');
    // Sent chunked in 64 KiB pieces: the balancer must pass them on as a stream.
    const answer = await new Promise<{ status: number; json: { bytes: number; sha256: string } }>(
      (resolve, reject) => {
        const req = request(
          url,
          { method: 'POST', headers: { 'content-type': 'application/octet-stream' } },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () =>
              resolve({
                status: res.statusCode ?? 0,
                json: JSON.parse(Buffer.concat(chunks).toString()),
              }),
            );
          },
        );
        req.on('error', reject);
        for (let i = 0; i < body.length; i += 65536) req.write(body.subarray(i, i + 65536));
        req.end();
      },
    );
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({
      bytes: body.length,
      sha256: createHash('sha256').update(body).digest('hex'),
    });
  });

  it('should let an in-flight request finish on a draining target, send new ones elsewhere, then remove it', async () => {
    h = new Harness(await start());
    const a = await h.worker('i-eeeeeee1');
    await h.register('i-eeeeeee1', a.address);
    await h.waitHealth('i-eeeeeee1', 'healthy');
    // Only A is registered, so the slow request surely runs on A; it lasts until released.
    const slow = h.get('/api/load/hold');
    await waitFor(() => a.worker.heldCount() === 1, {
      intervalMs: 20,
      what: 'the request held on A',
    });
    const b = await h.worker('i-eeeeeee2');
    await h.register('i-eeeeeee2', b.address);
    await h.waitHealth('i-eeeeeee2', 'healthy');

    const deregistered = await h.admin('DELETE', '/targets/i-eeeeeee1');
    expect(deregistered.status).toBe(200);
    expect(await h.target('i-eeeeeee1')).toMatchObject({
      health: 'draining',
      reason: 'Target.DeregistrationInProgress',
      inFlight: 1,
    });
    expect(await h.instances(4)).toEqual(Array(4).fill('i-eeeeeee2'));

    a.worker.release();
    const slowRes = await slow;
    expect(slowRes.status).toBe(200);
    expect(slowRes.headers.get('x-ebbflow-instance')).toBe('i-eeeeeee1');
    expect(await slowRes.json()).toEqual({ success: true, held: true });
    // Removed because nothing is in flight any more (the deregistration delay is 60 s).
    await waitFor(async () => (await h.target('i-eeeeeee1')) === undefined, {
      what: 'the drained target to be removed',
    });
    expect((await h.targets()).map((t) => t.id)).toEqual(['i-eeeeeee2']);
  });

  it('should remove a draining target after the deregistration delay even with a request still in flight', async () => {
    h = new Harness(await start({ BALANCER_DEREGISTRATION_DELAY_MS: '200' }));
    const a = await h.worker('i-fffffff1');
    await h.register('i-fffffff1', a.address);
    await h.waitHealth('i-fffffff1', 'healthy');
    const slow = h.get('/api/load/hold');
    await waitFor(() => a.worker.heldCount() === 1, { intervalMs: 20 });
    await h.admin('DELETE', '/targets/i-fffffff1');
    await waitFor(async () => (await h.target('i-fffffff1')) === undefined, {
      what: 'removal after the deregistration delay',
    });
    expect(a.worker.heldCount()).toBe(1);
    // The request itself is not cut: ELBv2 closes it, but here the worker is about to be
    // terminated gracefully anyway, and an answer is better than a reset.
    a.worker.release();
    expect((await slow).status).toBe(200);
  });

  it('should retry a refused idempotent request once on another target, and answer 502 otherwise', async () => {
    // Slow health checks: the dead target stays "healthy" long enough to be chosen.
    h = new Harness(
      await start({
        BALANCER_HEALTH_INTERVAL_MS: '60000',
        BALANCER_HEALTH_TIMEOUT_MS: '1000',
        BALANCER_HEALTHY_THRESHOLD: '1',
      }),
    );
    const a = await h.worker('i-9999999a');
    const b = await h.worker('i-9999999b');
    await h.register('i-9999999a', a.address);
    await h.register('i-9999999b', b.address);
    await h.waitHealth('i-9999999a', 'healthy');
    await h.waitHealth('i-9999999b', 'healthy');
    await b.worker.close(); // B now refuses connections, but is still listed healthy.

    // GETs: the one sent to B is retried on A, so all succeed.
    expect(await h.instances(4)).toEqual(Array(4).fill('i-9999999a'));
    // POSTs with a body are not retried (the body was consumed): one of two gets 502.
    const statuses: number[] = [];
    for (let i = 0; i < 2; i++) {
      const res = await fetch(h.balancer.proxyUrl + '/api/echo/hash', {
        method: 'POST',
        body: 'payload',
        headers: { accept: 'application/json' },
      });
      statuses.push(res.status);
      if (res.status === 502) {
        expect(await res.json()).toEqual({
          error: 'Bad Gateway',
          message: 'the worker refused the connection',
        });
      } else {
        await res.arrayBuffer();
      }
    }
    expect(statuses.sort()).toEqual([200, 502]);
    // In-flight counts return to zero after failures too.
    expect((await h.targets()).map((t) => t.inFlight)).toEqual([0, 0]);
  });

  it('should answer 504 when a target sends nothing within the idle timeout', async () => {
    h = new Harness(await start({ BALANCER_IDLE_TIMEOUT_MS: '300' }));
    const a = await h.worker('i-7777777a');
    await h.register('i-7777777a', a.address);
    await h.waitHealth('i-7777777a', 'healthy');
    const res = await h.get('/api/load/sleep?ms=5000');
    expect(res.status).toBe(504);
    expect(await res.text()).toContain('the worker did not answer in time');
    await waitFor(async () => (await h.target('i-7777777a'))?.inFlight === 0);
  });

  describe('admin API', () => {
    beforeEach(async () => {
      h = new Harness(await start());
    });

    it.each([
      ['invalid JSON', '{"address":', 'application/json', 'body'],
      ['a JSON array', '[{"address":"127.0.0.1:5000"}]', 'application/json', 'body'],
      [
        'a form instead of JSON',
        'address=127.0.0.1:5000',
        'application/x-www-form-urlencoded',
        'body',
      ],
      ['a missing address', '{}', 'application/json', 'address'],
      ['an address without a port', '{"address":"127.0.0.1"}', 'application/json', 'address'],
      ['a port out of range', '{"address":"127.0.0.1:70000"}', 'application/json', 'address'],
      ['an unknown field', '{"address":"127.0.0.1:5000","weight":2}', 'application/json', 'weight'],
    ])(
      'should answer 400 naming the field for %s, and register nothing',
      async (_name, body, type, field) => {
        const res = await h.admin('PUT', '/targets/i-1234abcd', body, type);
        expect(res.status).toBe(400);
        const json = (await res.json()) as { message: string; fields: Record<string, string[]> };
        expect(Object.keys(json.fields)).toContain(field);
        expect(json.message).toContain(`${field}:`);
        expect(await h.targets()).toEqual([]);
      },
    );

    it('should answer 400 for a bad target id', async () => {
      const res = await h.register('not%20an%20id', '127.0.0.1:5000');
      expect(res.status).toBe(400);
      expect(((await res.json()) as { fields: object }).fields).toHaveProperty('id');
    });

    it('should answer 404 when deregistering an unknown target', async () => {
      const res = await h.admin('DELETE', '/targets/i-1234abcd');
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ message: 'no target i-1234abcd is registered' });
    });

    it('should register with 201, list the target with its state, and answer 200 to the same registration', async () => {
      const first = await h.register('i-1234abcd', '127.0.0.1:9');
      expect(first.status).toBe(201);
      expect(await first.json()).toMatchObject({
        id: 'i-1234abcd',
        address: '127.0.0.1:9',
        health: 'initial',
        reason: 'Elb.RegistrationInProgress',
        inFlight: 0,
      });
      expect((await h.register('i-1234abcd', '127.0.0.1:9')).status).toBe(200);
      const [listed] = await h.targets();
      expect(listed).toMatchObject({ id: 'i-1234abcd', address: '127.0.0.1:9' });
      expect(Date.parse(listed.registeredAt)).not.toBeNaN();
      const health = await (await h.admin('GET', '/health')).json();
      expect(health).toEqual({ status: 'ok', targets: 1, healthy: 0, failOpen: true });
    });

    /** raw sends an admin call with exactly these headers (fetch would not let Host be set). */
    function raw(
      method: string,
      path: string,
      headers: Record<string, string>,
      body?: string,
    ): Promise<{
      status: number;
      json: Record<string, unknown>;
      headers: Record<string, unknown>;
    }> {
      const url = new URL(h.balancer.adminUrl);
      return new Promise((resolve, reject) => {
        const req = request(
          { host: url.hostname, port: url.port, method, path, headers, agent: false },
          (res) => {
            let text = '';
            res.on('data', (c: Buffer) => (text += c.toString()));
            res.on('end', () =>
              resolve({
                status: res.statusCode ?? 0,
                json: JSON.parse(text),
                headers: res.headers,
              }),
            );
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    }

    const registration = JSON.stringify({ address: '127.0.0.1:9' });
    const json = { 'content-type': 'application/json' };

    it.each([
      ['no token', {}, 401, /Authorization: Bearer/],
      ['a wrong token', { authorization: 'Bearer wrong-token-wrong-token' }, 401, /token is wrong/],
      ['another scheme', { authorization: `Basic ${TEST_BALANCER_ADMIN_TOKEN}` }, 401, /Bearer/],
      [
        'the right token but a foreign Host (DNS rebinding)',
        { ...BALANCER_ADMIN_AUTH, host: 'rebound.example:8081' },
        403,
        /not the admin API's address/,
      ],
    ])(
      'should refuse a call with %s (%s), changing nothing',
      async (_name, auth, status, message) => {
        expect((await h.register('i-0000keep', '127.0.0.1:7')).status).toBe(201);
        const before = await h.targets();
        const calls: [string, string, string?][] = [
          ['GET', '/health'],
          ['GET', '/targets'],
          ['PUT', '/targets/i-0000evil', registration],
          ['PUT', '/targets/i-0000keep', registration], // would move it to another address
          ['DELETE', '/targets/i-0000keep'],
        ];
        for (const [method, path, body] of calls) {
          const res = await raw(method, path, { ...json, ...auth }, body);
          expect([method, path, res.status]).toEqual([method, path, status]);
          expect(res.json).toMatchObject({
            statusCode: status,
            message: expect.stringMatching(message),
          });
          if (status === 401) expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
        }
        expect(await h.targets()).toEqual(before);
      },
    );

    it('should accept the right token with 127.0.0.1:<port> or localhost:<port> as Host', async () => {
      const port = new URL(h.balancer.adminUrl).port;
      for (const host of [`127.0.0.1:${port}`, `localhost:${port}`]) {
        const res = await raw('GET', '/health', { ...BALANCER_ADMIN_AUTH, host });
        expect(res.status).toBe(200);
      }
      const put = await raw(
        'PUT',
        '/targets/i-0000good',
        { ...BALANCER_ADMIN_AUTH, ...json },
        registration,
      );
      expect(put.status).toBe(201);
      expect((await h.targets()).map((t) => t.id)).toEqual(['i-0000good']);
    });

    it('should listen for admin calls on 127.0.0.1 only', () => {
      const address = h.balancer.app.getHttpServer().address() as { address: string };
      expect(address.address).toBe('127.0.0.1');
    });
  });
});
