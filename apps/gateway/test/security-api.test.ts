import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { createHash } from 'crypto';
import { ORIGINAL_POLICY } from '@app/contracts';
import request from 'supertest';
import { SESSION_COOKIE } from '../src/gateway.app';
import { SHUTDOWN_CALLS } from './support/fake-services';
import { csrfOf, loggedInAgent } from './support/page-session';
import { Stack, startStack, TEST_PASSWORD } from './support/stack';
import {
  AttackContext,
  AUTH_ATTACKS,
  BAD_BODY_ATTACKS,
  CROSS_SITE_ATTACKS,
  fillAttack,
  GatewayAttack,
  OVERSIZED_JSON,
  POLICY_FORM_BAD_NUMBERS,
  sendAttack,
} from './security/gateway-attacks';

const ALLOWED_ORIGIN = 'https://ops.example.com';
const BASIC = `Basic ${Buffer.from(`admin:${TEST_PASSWORD}`).toString('base64')}`;

/**
 * The manager's API refuses what a browser could be tricked into sending (issue #10): forged
 * cross-site requests, form content types, bad bodies, and never challenges for Basic. Real
 * gateway, bus, MySQL, janitor and S3; fake fleet, scaler and metrics, which record every
 * command they get, so "nothing changed" is checked on what the services received.
 */
describe('gateway security: cross-site requests, bad bodies, cookies (issue #10)', () => {
  let stack: Stack;
  let context: AttackContext;
  let workerIds: string[];

  /** state is everything an attack could have changed. */
  async function state() {
    const objects = await stack.s3.send(new ListObjectsV2Command({ Bucket: stack.bucket }));
    const [users] = (await stack.db.query('SELECT COUNT(*) AS n FROM users')) as { n: string }[];
    return {
      fleetCommands: stack.fleet.commands.length,
      scalerCommands: stack.scaler.commands.length,
      desired: stack.fleet.desired,
      workers: stack.fleet.workers.map((w) => `${w.id}:${w.state}`),
      policy: stack.scaler.view.policy,
      exits: stack.exit.calls.length,
      shutdowns: SHUTDOWN_CALLS.length,
      objects: objects.KeyCount ?? 0,
      users: Number(users.n),
    };
  }

  async function expectAttack(attack: GatewayAttack) {
    const answer = await sendAttack(stack.url, fillAttack(attack, context), BASIC);
    expect({ name: attack.name, status: answer.status }).toEqual({
      name: attack.name,
      status: attack.expectStatus,
    });
    // A challenge would make a browser cache the credentials for forged requests.
    expect(answer.headers['www-authenticate']).toBeUndefined();
    if (attack.expectError) {
      expect(answer.json).toMatchObject({ error: attack.expectError, message: expect.any(String) });
    }
    if (attack.expectField) {
      expect(Object.keys((answer.json?.fields as object) ?? {})).toContain(attack.expectField);
    }
    return answer;
  }

  let before: Awaited<ReturnType<typeof state>>;

  beforeAll(async () => {
    stack = await startStack({ MANAGER_ALLOWED_ORIGINS: ALLOWED_ORIGIN });
    workerIds = stack.fleet.seed(2);
    await stack.putObjects(3);
    await stack.addUsers(2, 1);
    context = { own: stack.url, workerId: workerIds[0], unknownWorkerId: 'i-00000000deadbeef' };
    before = await state();
  });

  afterAll(async () => {
    await stack?.close();
  });

  describe('forged cross-site requests to every state-changing route, with valid Basic credentials', () => {
    it.each(CROSS_SITE_ATTACKS.map((a) => [a.name, a] as const))(
      'should refuse %s',
      async (_name, attack) => {
        const answer = await expectAttack(attack);
        expect(answer.json?.message).toMatch(
          attack.expectStatus === 403 ? /^Refused: / : /^Content-Type must be application\/json/,
        );
      },
    );

    it('should have changed nothing: no command received, no data removed, no exit', async () => {
      expect(await state()).toEqual(before);
    });
  });

  describe('credentials', () => {
    it.each(AUTH_ATTACKS.map((a) => [a.name, a] as const))(
      'should answer %s with 401 JSON and no challenge',
      async (_name, attack) => {
        const answer = await expectAttack(attack);
        expect(answer.json?.message).toMatch(/HTTP Basic admin:<MANAGER_PASSWORD>/);
      },
    );

    it('should have changed nothing', async () => {
      expect(await state()).toEqual(before);
    });
  });

  describe('bad bodies and parameters, with valid credentials', () => {
    it.each(BAD_BODY_ATTACKS.map((a) => [a.name, a] as const))(
      'should answer %s with its 4xx',
      async (_name, attack) => {
        await expectAttack(attack);
      },
    );

    it('should say the body is too large, in JSON, and not 500', async () => {
      const res = await request(stack.url)
        .put('/api/policy')
        .auth('admin', TEST_PASSWORD)
        .set('Content-Type', 'application/json')
        .send(OVERSIZED_JSON)
        .expect(413);
      expect(res.body).toEqual({
        error: 'too-large',
        message: 'The request body is larger than 100 kB.',
      });
    });

    it('should refuse a login form over 100 kB with a 413 page', async () => {
      const agent = request.agent(stack.url);
      const page = await agent.get('/login').expect(200);
      const res = await agent
        .post('/login')
        .type('form')
        .send({ password: 'x'.repeat(110 * 1024), _csrf: csrfOf(page.text), next: '/' })
        .expect(413);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.text).toContain('The request body is larger than 100 kB.');
    });

    it.each(POLICY_FORM_BAD_NUMBERS)(
      'should refuse %j in a numeric field of the policy form and save nothing',
      async (text) => {
        const { agent, csrf } = await loggedInAgent(stack.url);
        const form = {
          _csrf: csrf,
          growThreshold: '20',
          shrinkThreshold: '10',
          growRatio: '2',
          shrinkRatio: '2',
          minWorkers: text,
          maxWorkers: '10',
          enabled: 'on',
        };
        const res = await agent.post('/autoscale').type('form').send(form).expect(400);
        expect(res.text).toMatch(
          text === ''
            ? /id="minWorkers-error">[^<]*minWorkers is required/
            : /id="minWorkers-error">[^<]*minWorkers must be a plain decimal number/,
        );
        expect(stack.scaler.commands).toHaveLength(0);
      },
    );

    it('should have changed nothing', async () => {
      expect(await state()).toEqual(before);
    });
  });

  describe('API tokens (Authorization: Bearer), created on the manager page', () => {
    let token: string;
    let atStart: Awaited<ReturnType<typeof state>>;

    it('should create a token on the API tokens page, show it once and store only its hash', async () => {
      const { agent, csrf } = await loggedInAgent(stack.url);
      const page = await agent.get('/tokens').expect(200);
      expect(page.text).toContain('No tokens yet.');
      const created = await agent
        .post('/tokens')
        .type('form')
        .send({ _csrf: csrf, name: 'ci deploy' })
        .expect(201);
      expect(created.headers['cache-control']).toBe('no-store');
      token = /id="new-token">(ebf_[A-Za-z0-9_-]{43})</.exec(created.text)![1];
      const rows = (await stack.db.query('SELECT name, token_hash FROM gateway_api_tokens')) as {
        name: string;
        token_hash: string;
      }[];
      expect(rows).toEqual([
        { name: 'ci deploy', token_hash: createHash('sha256').update(token).digest('hex') },
      ]);
      const again = await agent.get('/tokens').expect(200);
      expect(again.text).toContain('ci deploy');
      expect(again.text).not.toContain(token);
      await agent.post('/tokens').type('form').send({ _csrf: csrf, name: '  ' }).expect(400);
      atStart = await state();
    });

    it('should accept the token on the API', async () => {
      const res = await request(stack.url)
        .get('/api/policy')
        .set('Authorization', `Bearer ${token}`)
        .expect(200);
      expect(res.body).toHaveProperty('policy');
    });

    it.each(CROSS_SITE_ATTACKS.map((a) => [a.name, a] as const))(
      'should still refuse %s sent with the token',
      async (_name, attack) => {
        const answer = await sendAttack(stack.url, fillAttack(attack, context), `Bearer ${token}`);
        expect(answer.status).toBe(attack.expectStatus);
      },
    );

    it('should have changed nothing through the token', async () => {
      expect(await state()).toEqual(atStart);
    });

    it('should refuse a revoked token with 401', async () => {
      const { agent, csrf } = await loggedInAgent(stack.url);
      const page = await agent.get('/tokens').expect(200);
      const id = /data-token-id="(\d+)"/.exec(page.text)![1];
      expect(page.text).not.toMatch(/<td>never<\/td>/);
      await agent.post(`/tokens/${id}/revoke`).type('form').send({ _csrf: csrf }).expect(303);
      await request(stack.url)
        .get('/api/policy')
        .set('Authorization', `Bearer ${token}`)
        .expect(401);
      await agent.post(`/tokens/${id}/revoke`).type('form').send({ _csrf: csrf }).expect(404);
    });

    it('should throttle wrong tokens per address (429 with Retry-After)', async () => {
      const wrong = () =>
        request(stack.url)
          .get('/api/policy')
          .set('X-Forwarded-For', '198.51.100.99')
          .set('Authorization', `Bearer ebf_${'A'.repeat(43)}`);
      for (let i = 0; i < 5; i++) await wrong().expect(401);
      const refused = await wrong().expect(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    });
  });

  describe('what is still allowed', () => {
    it('should accept JSON from a script (no Origin), from the own origin and from an allowed one', async () => {
      for (const [origin, site] of [
        [undefined, undefined],
        [stack.url, 'same-origin'],
        [ALLOWED_ORIGIN, 'cross-site'],
      ]) {
        const call = request(stack.url).post('/api/workers').auth('admin', TEST_PASSWORD);
        if (origin && site) void call.set('Origin', origin).set('Sec-Fetch-Site', site);
        await call.set('Content-Type', 'application/json').send('{"count": 1}').expect(202);
      }
      expect(stack.fleet.commands.slice(before.fleetCommands)).toHaveLength(3);
    });

    it('should accept a body-less POST from a script (curl -X POST) as one worker', async () => {
      const res = await sendAttack(
        stack.url,
        { name: 'curl', method: 'POST', path: '/api/workers', headers: {}, expectStatus: 202 },
        BASIC,
      );
      expect(res.status).toBe(202);
      expect(res.json).toMatchObject({ count: 1 });
    });

    it('should accept the same-origin form post of a logged-in page (CSRF token)', async () => {
      const { agent, csrf } = await loggedInAgent(stack.url);
      await agent
        .post('/autoscale')
        .type('form')
        .send({
          _csrf: csrf,
          growThreshold: '20',
          shrinkThreshold: '10',
          growRatio: '2',
          shrinkRatio: '2',
          minWorkers: '1',
          maxWorkers: '10',
          enabled: 'on',
        })
        .expect(303);
      expect(stack.scaler.view.policy).toMatchObject({ ...ORIGINAL_POLICY });
    });
  });

  describe('cookies and HSTS behind TLS (MANAGER_COOKIE_SECURE=auto, MANAGER_TRUST_PROXY=loopback)', () => {
    /**
     * loginCookie logs in with `headers` on every request, carrying the cookie by hand: the
     * client speaks plain HTTP to the gateway, and a cookie jar would keep a Secure cookie back.
     */
    async function loginCookie(headers: Record<string, string>) {
      const page = await request(stack.url).get('/login').set(headers).expect(200);
      const first = (page.headers['set-cookie'] as unknown as string[])[0].split(';')[0];
      const res = await request(stack.url)
        .post('/login')
        .set(headers)
        .set('Cookie', first)
        .type('form')
        .send({ password: TEST_PASSWORD, _csrf: csrfOf(page.text), next: '/' })
        .expect(303);
      const cookie = (res.headers['set-cookie'] as unknown as string[]).find((c) =>
        c.startsWith(`${SESSION_COOKIE}=`),
      );
      return { cookie: cookie ?? '', page, res };
    }

    it('should mark the session cookie Secure and send HSTS when the proxy says https', async () => {
      const { cookie, page, res } = await loginCookie({ 'X-Forwarded-Proto': 'https' });
      expect(cookie).toMatch(/; Secure/i);
      expect(cookie).toMatch(/; HttpOnly/i);
      expect(page.headers['strict-transport-security']).toBe('max-age=15552000; includeSubDomains');
      expect(res.headers['strict-transport-security']).toBe('max-age=15552000; includeSubDomains');
    });

    it('should not over plain HTTP', async () => {
      const { cookie, page } = await loginCookie({});
      expect(cookie).not.toMatch(/; Secure/i);
      expect(page.headers['strict-transport-security']).toBeUndefined();
    });

    it('should treat a TLS proxy’s own origin as the manager’s (https Origin with X-Forwarded-Proto)', async () => {
      const host = new URL(stack.url).host;
      await request(stack.url)
        .post('/api/workers')
        .auth('admin', TEST_PASSWORD)
        .set('X-Forwarded-Proto', 'https')
        .set('Origin', `https://${host}`)
        .set('Content-Type', 'application/json')
        .send('{}')
        .expect(202);
    });
  });
});
