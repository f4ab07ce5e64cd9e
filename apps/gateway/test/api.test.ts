import {
  FLEET_GROW,
  FLEET_REMOVE_WORKER,
  FLEET_TERMINATE_ALL,
  ORIGINAL_POLICY,
  SCALER_DECISION,
  SCALER_DISABLE,
  SYSTEM_SHUTDOWN,
  ScalingDecision,
} from '@app/contracts';
import { waitFor } from '@app/testing';
import request from 'supertest';
import { ActivityView } from '../src/activity/activity.service';
import { API_LOGIN_MESSAGE } from '../src/http/gateway-exception.filter';
import { SHUTDOWN_CALLS } from './support/fake-services';
import { Stack, startStack, TEST_PASSWORD } from './support/stack';

describe('gateway JSON API (supertest, real bus, MySQL, janitor and S3; fake fleet/scaler/metrics)', () => {
  let stack: Stack;
  /** A worker the fake fleet lists (metrics of unlisted workers are a 404). */
  let listed: string;
  const api = () => ({
    get: (path: string) => request(stack.url).get(path).auth('admin', TEST_PASSWORD),
    post: (path: string) => request(stack.url).post(path).auth('admin', TEST_PASSWORD),
    put: (path: string) => request(stack.url).put(path).auth('admin', TEST_PASSWORD),
    delete: (path: string) => request(stack.url).delete(path).auth('admin', TEST_PASSWORD),
  });

  beforeAll(async () => {
    stack = await startStack();
    listed = stack.fleet.seed(2)[1];
  });

  afterAll(async () => {
    await stack?.close();
  });

  describe('GET /health', () => {
    it('should answer 200 with every service up, without a login', async () => {
      const res = await request(stack.url).get('/health').expect(200);
      expect(res.body).toEqual({
        status: 'ok',
        broker: 'up',
        database: 'up',
        services: { fleet: 'up', metrics: 'up', scaler: 'up', janitor: 'up' },
      });
      expect(res.headers['set-cookie']).toBeUndefined();
    });
  });

  describe('authentication of /api', () => {
    it('should answer 401 saying how to authenticate, without a Basic challenge', async () => {
      const res = await request(stack.url).get('/api/workers').expect(401);
      // A challenge would make browsers cache the credentials (issue #10).
      expect(res.headers['www-authenticate']).toBeUndefined();
      expect(res.body).toEqual({ error: 'unauthorized', message: API_LOGIN_MESSAGE });
    });

    it.each([
      ['a wrong password', 'admin', 'wrong password'],
      ['another user', 'root', TEST_PASSWORD],
    ])('should answer 401 for %s', async (_what, user, password) => {
      await request(stack.url).get('/api/policy').auth(user, password).expect(401);
    });

    it('should refuse every endpoint without credentials', async () => {
      const calls = [
        request(stack.url).get('/api/workers'),
        request(stack.url).post('/api/workers').send({}),
        request(stack.url).delete('/api/workers/i-0123abcd'),
        request(stack.url).get('/api/workers/i-0123abcd/metrics'),
        request(stack.url).get('/api/policy'),
        request(stack.url).put('/api/policy').send(ORIGINAL_POLICY),
        request(stack.url).get('/api/activity'),
        request(stack.url).post('/api/clear'),
        request(stack.url).post('/api/shutdown'),
      ];
      for (const call of calls) await call.expect(401);
      expect(stack.fleet.commands).toHaveLength(0);
      expect(stack.exit.calls).toHaveLength(0);
    });
  });

  describe('/api/workers', () => {
    it('should list the fleet', async () => {
      const res = await api().get('/api/workers').expect(200);
      expect(res.body.desired).toBe(2);
      expect(res.body.loadBalancerUrl).toBe('http://127.0.0.1:8080');
      expect(res.body.workers).toHaveLength(2);
      expect(res.body.workers[0]).toMatchObject({ state: 'running', health: 'healthy' });
    });

    it('should add one worker by default and answer 202 with the commandId', async () => {
      const res = await api().post('/api/workers').send({}).expect(202);
      expect(res.body).toEqual({ commandId: expect.any(String), count: 1 });
      await waitFor(() =>
        stack.fleet.commands.find(
          (c) =>
            c.pattern === FLEET_GROW.pattern &&
            (c.payload as { commandId: string }).commandId === res.body.commandId,
        ),
      );
      expect(stack.fleet.commands.at(-1)!.payload).toMatchObject({ count: 1 });
    });

    it('should add `count` workers', async () => {
      const res = await api().post('/api/workers').send({ count: 3 }).expect(202);
      const cmd = await waitFor(() =>
        stack.fleet.commands.find(
          (c) => (c.payload as { commandId: string }).commandId === res.body.commandId,
        ),
      );
      expect(cmd.payload).toMatchObject({ count: 3 });
    });

    it.each([
      [{ count: 0 }, 'count', 'count must be at least 1'],
      [{ count: 21 }, 'count', 'count must be at most 20'],
      [{ count: 1.5 }, 'count', 'count must be a whole number'],
      [{ count: 'two' }, 'count', 'count must be a whole number'],
      [{ cnt: 2 }, 'cnt', 'property cnt should not exist'],
    ])(
      'should refuse %j with 400 and the field error, sending nothing',
      async (body, field, message) => {
        const before = stack.fleet.commands.length;
        const res = await api().post('/api/workers').send(body).expect(400);
        expect(res.body.error).toBe('invalid');
        expect(res.body.fields[field]).toContain(message);
        expect(stack.fleet.commands).toHaveLength(before);
      },
    );

    it('should refuse a body that is not JSON with 400', async () => {
      const res = await api()
        .post('/api/workers')
        .set('Content-Type', 'application/json')
        .send('{"count": ')
        .expect(400);
      expect(res.body.error).toBe('invalid');
    });

    it('should answer 400 on a malformed worker id', async () => {
      const res = await api().delete('/api/workers/not-an-id').expect(400);
      expect(res.body.fields.id[0]).toMatch(/i-0123abcd/);
    });

    it("should answer 404 with the fleet's reason for a worker not in the pool", async () => {
      const res = await api().delete('/api/workers/i-00000000ffff').expect(404);
      expect(res.body).toEqual({
        error: 'not-found',
        message: 'no worker i-00000000ffff in the pool',
      });
    });

    it("should drain and terminate a listed worker (202 with the fleet's verdict)", async () => {
      const id = stack.fleet.workers.find((w) => w.state === 'running')!.id;
      const res = await api().delete(`/api/workers/${id}`).expect(202);
      expect(res.body).toMatchObject({
        commandId: expect.any(String),
        instanceId: id,
        action: 'draining',
      });
      const cmd = stack.fleet.commands
        .filter((c) => c.pattern === FLEET_REMOVE_WORKER.pattern)
        .at(-1);
      expect(cmd?.payload).toMatchObject({ instanceId: id, commandId: res.body.commandId });
    });

    it('should answer 409 "already draining" to Destroy of a draining worker', async () => {
      // Seeded draining, so the fake's drain delay cannot end it between the two requests.
      const [id] = stack.fleet.seed(1);
      stack.fleet.workers.find((w) => w.id === id)!.state = 'draining';
      const res = await api().delete(`/api/workers/${id}`).expect(409);
      expect(res.body).toEqual({ error: 'conflict', message: `${id} is already draining` });
    });
  });

  describe('/api/workers/:id/metrics', () => {
    it('should answer the CPU and request series, one point per minute', async () => {
      const res = await api().get(`/api/workers/${listed}/metrics?minutes=30`).expect(200);
      expect(res.body.instanceId).toBe(listed);
      expect(res.body.minutes).toBe(30);
      expect(res.body.cpu).toHaveLength(30);
      expect(res.body.requests).toHaveLength(30);
      expect(res.body.cpu[0]).toEqual({ t: expect.any(String), v: 5 });
      expect(res.body.cpu[9]).toEqual({ t: expect.any(String), v: null });
      expect(res.body.requests[1]).toEqual({ t: expect.any(String), v: 13 });
    });

    it('should default to 30 minutes', async () => {
      const res = await api().get(`/api/workers/${listed}/metrics`).expect(200);
      expect(res.body.cpu).toHaveLength(30);
    });

    it.each(['0', '1441', 'abc', '2.5', '-3'])(
      'should refuse minutes=%s with 400',
      async (minutes) => {
        const res = await api()
          .get(`/api/workers/${listed}/metrics?minutes=${minutes}`)
          .expect(400);
        expect(res.body.fields.minutes[0]).toBe('must be a whole number from 1 to 1440');
      },
    );

    it('should refuse a malformed id with 400', async () => {
      await api().get('/api/workers/x/metrics').expect(400);
    });

    it('should answer 404 for a worker the fleet does not list', async () => {
      const res = await api().get('/api/workers/i-0123abcd/metrics').expect(404);
      expect(res.body).toEqual({
        error: 'not-found',
        message: 'No worker i-0123abcd in the pool.',
      });
    });
  });

  describe('/api/policy', () => {
    it('should answer null before a policy is saved', async () => {
      const res = await api().get('/api/policy').expect(200);
      expect(res.body).toEqual({ policy: null, enabled: false, updatedAt: null });
    });

    it.each([
      [
        { ...ORIGINAL_POLICY, shrinkThreshold: 30 },
        'shrinkThreshold',
        'shrinkThreshold must be below growThreshold',
      ],
      [
        { ...ORIGINAL_POLICY, growThreshold: 100 },
        'growThreshold',
        'growThreshold must be at most 99.9',
      ],
      [{ ...ORIGINAL_POLICY, growRatio: 1 }, 'growRatio', 'growRatio must be greater than 1'],
      [{ ...ORIGINAL_POLICY, shrinkRatio: 'two' }, 'shrinkRatio', 'shrinkRatio must be a number'],
      [
        { ...ORIGINAL_POLICY, minWorkers: 5, maxWorkers: 3 },
        'minWorkers',
        'minWorkers must not be above maxWorkers',
      ],
      [{ ...ORIGINAL_POLICY, cooldown: 5 }, 'cooldown', 'property cooldown should not exist'],
    ])(
      'should refuse %j with 400 and the field error, storing nothing',
      async (body, field, message) => {
        const res = await api().put('/api/policy').send(body).expect(400);
        expect(res.body.error).toBe('invalid');
        expect(res.body.fields[field]).toContain(message);
        expect(stack.scaler.view.policy).toBeNull();
      },
    );

    it('should save a valid policy and answer it', async () => {
      const res = await api().put('/api/policy').send(ORIGINAL_POLICY).expect(200);
      expect(res.body).toMatchObject({ policy: ORIGINAL_POLICY, enabled: true });
      const read = await api().get('/api/policy').expect(200);
      expect(read.body.policy).toEqual(ORIGINAL_POLICY);
    });

    it('should keep the stored policy when a later one is invalid', async () => {
      await api()
        .put('/api/policy')
        .send({ ...ORIGINAL_POLICY, growThreshold: 5 })
        .expect(400);
      const read = await api().get('/api/policy').expect(200);
      expect(read.body.policy).toEqual(ORIGINAL_POLICY);
    });
  });

  describe('/api/activity', () => {
    it('should list fleet and scaler events newest first, each with its cause', async () => {
      const res = await waitFor(
        async () => {
          const r = await api().get('/api/activity?limit=100').expect(200);
          const kinds = (r.body.activity as ActivityView[]).map((a) => a.kind);
          return kinds.includes('pool-changed') &&
            kinds.includes('instance-state') &&
            kinds.includes('policy-changed')
            ? r
            : undefined;
        },
        { what: 'activity from the fleet and scaler events' },
      );
      const lines = res.body.activity as ActivityView[];
      const times = lines.map((l) => l.at);
      expect([...times].sort().reverse()).toEqual(times);
      for (const line of lines) expect(line.cause).toEqual(expect.any(String));
      expect(lines.find((l) => l.kind === 'pool-changed')!.message).toMatch(
        /^Pool \d+ → \d+: manual: API/,
      );
      expect(lines.find((l) => l.kind === 'pool-changed')!.cause).toMatch(/^manual: API/);
    });

    it('should keep size changes and unusual holds once per reason, not routine holds', async () => {
      const t0 = Date.now();
      const decision = (
        i: number,
        reason: string,
        before: number,
        after: number,
      ): ScalingDecision => ({
        at: new Date(t0 + i * 1000).toISOString(),
        averageCpu: 27,
        workersCounted: before,
        sizeBefore: before,
        sizeAfter: after,
        reason: reason as ScalingDecision['reason'],
        message: `test decision ${i}`,
      });
      const sequence = [
        decision(1, 'grow', 1, 2),
        decision(2, 'hold-cooldown', 2, 2),
        decision(3, 'hold-within-thresholds', 2, 2),
        decision(4, 'hold-at-max', 2, 2),
        decision(5, 'hold-at-max', 2, 2),
        decision(6, 'hold-within-thresholds', 2, 2),
        decision(7, 'hold-at-max', 2, 2),
      ];
      for (const d of sequence) await stack.bus.emit(SCALER_DECISION, d);
      const stored = await waitFor(
        async () => {
          const r = await api().get('/api/activity?limit=200').expect(200);
          const mine = (r.body.activity as ActivityView[]).filter(
            (a) => a.kind === 'scaler-decision' && a.cause.startsWith('test decision'),
          );
          return mine.some((a) => a.cause === 'test decision 7') ? mine : undefined;
        },
        { what: 'the last decision stored' },
      );
      // 1 changed the size; 4 is the first hold-at-max; 5 repeats it; 7 follows another reason.
      expect(stored.map((a) => a.cause)).toEqual([
        'test decision 7',
        'test decision 4',
        'test decision 1',
      ]);
      expect(stored[2].message).toMatch(/^Auto-scaler 1 → 2 \(grow\): test decision 1$/);
    });

    it('should honour ?limit= and refuse a bad one', async () => {
      const res = await api().get('/api/activity?limit=1').expect(200);
      expect(res.body.activity).toHaveLength(1);
      const bad = await api().get('/api/activity?limit=0').expect(400);
      expect(bad.body.fields.limit[0]).toMatch(/from 1 to 1000/);
    });
  });

  describe('POST /api/clear', () => {
    it('should wipe the bucket and the tables and answer the counts', async () => {
      await stack.putObjects(5);
      await stack.addUsers(2, 3);
      const res = await api().post('/api/clear').expect(200);
      expect(res.body).toMatchObject({
        objects: 5,
        images: 6,
        users: 2,
        commandId: expect.any(String),
      });
      const activity = await waitFor(async () => {
        const r = await api().get('/api/activity?limit=5').expect(200);
        return (r.body.activity as ActivityView[]).find((a) => a.kind === 'cleared');
      });
      expect(activity.message).toMatch(/^Data cleared: 5 objects, 6 images and 2 users removed/);
    });
  });

  describe('a service that is down', () => {
    it('should answer 503 quickly with a clear message, and /health 503 naming it', async () => {
      await stack.metricsApp.close();
      const res = await api().get(`/api/workers/${listed}/metrics`).expect(503);
      expect(res.body.error).toBe('unavailable');
      expect(res.body.message).toMatch(/No answer from metrics .* \(is metrics running\?\)/);

      const health = await request(stack.url).get('/health').expect(503);
      expect(health.body).toEqual({
        status: 'degraded',
        broker: 'up',
        database: 'up',
        services: { fleet: 'up', metrics: 'down', scaler: 'up', janitor: 'up' },
      });
    });
  });

  describe('POST /api/shutdown', () => {
    it('should terminate every worker, disable the scaler, stop the services, then exit', async () => {
      const res = await api().post('/api/shutdown').expect(200);
      expect(res.body).toMatchObject({ scalerDisabled: true, shutdownRequested: true });
      expect(res.body.workersTerminated.length).toBeGreaterThan(0);
      expect(res.body.steps.at(-2).text).toBe('no worker left');
      expect(stack.fleet.workers).toHaveLength(0);
      expect(stack.fleet.commands.some((c) => c.pattern === FLEET_TERMINATE_ALL.pattern)).toBe(
        true,
      );
      expect(stack.scaler.commands.some((c) => c.pattern === SCALER_DISABLE.pattern)).toBe(true);
      expect(stack.scaler.view.enabled).toBe(false);
      await waitFor(() => stack.events.of(SYSTEM_SHUTDOWN.pattern).length === 1, {
        what: 'SYSTEM_SHUTDOWN',
      });
      // Every service heard it (the metrics fake was stopped by an earlier test).
      await waitFor(
        () => ['fleet', 'scaler', 'janitor'].every((s) => SHUTDOWN_CALLS.includes(s as never)),
        {
          what: 'the services to hear SYSTEM_SHUTDOWN',
        },
      );
      await waitFor(() => stack.exit.calls.length === 1, { what: 'the gateway to exit' });
      expect(stack.exit.calls).toEqual(['POST /api/shutdown']);
    });
  });
});
