import { NestExpressApplication } from '@nestjs/platform-express';
import { dropDatabase } from '@app/database';
import { deleteNamespace, testAmqpUrl, testDatabaseUrl, uniqueName } from '@app/testing';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createGatewayApp, SESSION_COOKIE } from '../src/gateway.app';
import { loadGatewayConfig } from '../src/gateway.config';
import { csrfOf } from './support/page-session';
import { RecordingExit, TEST_PASSWORD } from './support/stack';

/**
 * The manager's login protections, with real MySQL and RabbitMQ but no other service (login,
 * home and the activity list need none): the login throttle per client address, driven by a
 * fake clock, and sessions kept in MySQL across a restart of the gateway.
 */
describe('gateway login: throttling and sessions that survive a restart', () => {
  const namespace = uniqueName('gwlogin');
  const databaseUrl = testDatabaseUrl('ebbflow_gateway');
  const running = new Set<NestExpressApplication>();
  let now = Date.UTC(2030, 0, 1);
  const clock = () => now;

  /** startGateway starts a gateway on the shared database and answers its URL. */
  async function startGateway(
    overrides: Record<string, string> = {},
  ): Promise<{ app: NestExpressApplication; url: string }> {
    const config = loadGatewayConfig({
      AMQP_URL: testAmqpUrl,
      AMQP_NAMESPACE: namespace,
      QUERY_TIMEOUT_MS: '1000',
      DATABASE_URL: databaseUrl,
      MANAGER_PASSWORD: TEST_PASSWORD,
      HEALTH_PING_TIMEOUT_MS: '200',
      LOGIN_MAX_FAILURES: '5',
      LOGIN_WINDOW_S: '300',
      ...overrides,
    });
    const app = await createGatewayApp(config, {
      exit: new RecordingExit(),
      clock,
      logger: ['error'],
    });
    running.add(app);
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as { port: number };
    return { app, url: `http://127.0.0.1:${port}` };
  }

  async function stopGateway(app: NestExpressApplication): Promise<void> {
    running.delete(app);
    await app.close();
  }

  afterAll(async () => {
    for (const app of running) await app.close().catch(() => undefined);
    await dropDatabase(databaseUrl).catch(() => undefined);
    await deleteNamespace(namespace).catch(() => undefined);
  });

  describe('login throttle (LOGIN_MAX_FAILURES=5, LOGIN_WINDOW_S=300)', () => {
    let url: string;
    let app: NestExpressApplication;

    beforeAll(async () => {
      ({ app, url } = await startGateway());
    });

    afterAll(async () => {
      if (app) await stopGateway(app);
    });

    /** postLogin posts the login form with its CSRF token from a fresh visit. */
    async function postLogin(password: string): Promise<request.Response> {
      const agent = request.agent(url);
      const page = await agent.get('/login').expect(200);
      return agent
        .post('/login')
        .type('form')
        .send({ password, _csrf: csrfOf(page.text), next: '/' });
    }

    it('should refuse the login form with 429 after 5 wrong passwords, even the right one', async () => {
      for (let i = 0; i < 5; i++) {
        const res = await postLogin('wrong password');
        expect(res.status).toBe(401);
        expect(res.text).toContain('Wrong password.');
      }
      now += 10_000;
      const blocked = await postLogin('wrong password');
      expect(blocked.status).toBe(429);
      expect(blocked.headers['retry-after']).toBe('290');
      expect(blocked.text).toContain('Too many failed login attempts from this address.');
      expect(blocked.text).toContain('Try again in 5 minutes.');
      expect(blocked.text).toContain('name="password"');

      const right = await postLogin(TEST_PASSWORD);
      expect(right.status).toBe(429);
      expect(right.headers['retry-after']).toBe('290');
      expect(right.headers.location).toBeUndefined();
      // The same address is refused on the API too: one counter per client.
      const api = await request(url).get('/api/activity').auth('admin', TEST_PASSWORD);
      expect(api.status).toBe(429);
    });

    it('should let the right password in once the window has passed, and reset the count', async () => {
      now += 290_000;
      const res = await postLogin(TEST_PASSWORD);
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/');
      // The success forgot the earlier failures: four new ones are still allowed.
      for (let i = 0; i < 4; i++) expect((await postLogin('nope, wrong')).status).toBe(401);
      expect((await postLogin(TEST_PASSWORD)).status).toBe(303);
    });

    it('should not count an empty password as an attempt', async () => {
      for (let i = 0; i < 6; i++) {
        const res = await postLogin('');
        expect(res.status).toBe(401);
        expect(res.text).toContain('Enter the password.');
      }
      expect((await postLogin(TEST_PASSWORD)).status).toBe(303);
    });

    it('should refuse /api HTTP Basic with 429 JSON and Retry-After after 5 wrong passwords', async () => {
      for (let i = 0; i < 5; i++) {
        await request(url).get('/api/activity').auth('admin', 'wrong password').expect(401);
      }
      const res = await request(url).get('/api/activity').auth('admin', TEST_PASSWORD);
      expect(res.status).toBe(429);
      expect(res.headers['retry-after']).toBe('300');
      expect(res.body).toEqual({
        error: 'too-many-attempts',
        message: 'Too many failed login attempts from this address. Try again in 5 minutes.',
        retryAfterS: 300,
      });
      // Without credentials it is not an attempt: still the usual 401, without a challenge.
      const anonymous = await request(url).get('/api/activity').expect(401);
      expect(anonymous.body).toMatchObject({ error: 'unauthorized' });
      // The login form of the same address is refused as well.
      expect((await postLogin(TEST_PASSWORD)).status).toBe(429);

      now += 299_000;
      const later = await request(url).get('/api/activity').auth('admin', TEST_PASSWORD);
      expect(later.status).toBe(429);
      expect(later.headers['retry-after']).toBe('1');
      now += 1_000;
      await request(url).get('/api/activity').auth('admin', TEST_PASSWORD).expect(200);
      // That success reset the count.
      for (let i = 0; i < 4; i++) {
        await request(url).get('/api/activity').auth('admin', 'wrong password').expect(401);
      }
      await request(url).get('/api/activity').auth('admin', TEST_PASSWORD).expect(200);
    });
  });

  describe('throttle per address and per (address, user): no lock-out from elsewhere (issue #10)', () => {
    let url: string;
    let app: NestExpressApplication;

    beforeAll(async () => {
      // Behind a TLS proxy on this machine (MANAGER_TRUST_PROXY=loopback, the default), the
      // client's address is the one the proxy names in X-Forwarded-For.
      ({ app, url } = await startGateway({ LOGIN_MAX_FAILURES_PER_ADDRESS: '8' }));
    });

    afterAll(async () => {
      if (app) await stopGateway(app);
    });

    /** postLoginFrom posts the login form as the client at `address`. */
    async function postLoginFrom(address: string, password: string): Promise<request.Response> {
      const agent = request.agent(url);
      const page = await agent.get('/login').set('X-Forwarded-For', address).expect(200);
      return agent
        .post('/login')
        .set('X-Forwarded-For', address)
        .type('form')
        .send({ password, _csrf: csrfOf(page.text), next: '/' });
    }

    const apiFrom = (address: string, user: string, password: string) =>
      request(url).get('/api/activity').set('X-Forwarded-For', address).auth(user, password);

    it('should let the admin in from an address that has not failed while an attacker is refused', async () => {
      for (let i = 0; i < 5; i++) {
        expect((await postLoginFrom('198.51.100.7', 'guess ' + i)).status).toBe(401);
      }
      for (let i = 0; i < 5; i++) await apiFrom('198.51.100.8', 'admin', 'guess').expect(401);
      const refused = await postLoginFrom('198.51.100.7', TEST_PASSWORD);
      expect(refused.status).toBe(429);
      expect(refused.headers['retry-after']).toBe('300');
      await apiFrom('198.51.100.8', 'admin', TEST_PASSWORD)
        .expect(429)
        .expect('Retry-After', '300');

      // The admin elsewhere — through the proxy, or on the proxy's own address — is let in.
      expect((await postLoginFrom('203.0.113.9', TEST_PASSWORD)).status).toBe(303);
      await apiFrom('203.0.113.9', 'admin', TEST_PASSWORD).expect(200);
      await request(url).get('/api/activity').auth('admin', TEST_PASSWORD).expect(200);
    });

    it('should count an IPv4-mapped IPv6 address as its IPv4 address', async () => {
      for (let i = 0; i < 5; i++) {
        await apiFrom(i % 2 ? '::ffff:198.51.100.20' : '198.51.100.20', 'admin', 'x').expect(401);
      }
      await apiFrom('198.51.100.20', 'admin', TEST_PASSWORD).expect(429);
    });

    it('should refuse one user name per address, and the address once it tried too many', async () => {
      const from = '198.51.100.30';
      for (let i = 0; i < 5; i++) await apiFrom(from, 'root', 'toor').expect(401);
      await apiFrom(from, 'root', 'toor').expect(429);
      // "root" failing from there does not refuse the admin from there (5 of 8 per address).
      await apiFrom(from, 'admin', TEST_PASSWORD).expect(200);
      // The success forgot the address; eight failures over several names refuse it whole.
      for (const user of ['guest', 'ubuntu', 'pi', 'oracle', 'test', 'user', 'ftp', 'www']) {
        await apiFrom(from, user, 'password').expect(401);
      }
      const refused = await apiFrom(from, 'admin', TEST_PASSWORD).expect(429);
      expect(refused.body).toMatchObject({ error: 'too-many-attempts', retryAfterS: 300 });
      expect((await postLoginFrom(from, TEST_PASSWORD)).status).toBe(429);
      await apiFrom('198.51.100.31', 'admin', TEST_PASSWORD).expect(200);
    });
  });

  describe('sessions in MySQL', () => {
    it('should accept a session cookie issued before a restart, on the same database', async () => {
      const first = await startGateway();
      const agent = request.agent(first.url);
      const page = await agent.get('/login').expect(200);
      const login = await agent
        .post('/login')
        .type('form')
        .send({ password: TEST_PASSWORD, _csrf: csrfOf(page.text), next: '/' })
        .expect(303);
      const cookie = (login.headers['set-cookie'] as unknown as string[]).find((c) =>
        c.startsWith(`${SESSION_COOKIE}=`),
      );
      expect(cookie).toBeDefined();
      const cookieHeader = cookie!.split(';')[0];
      await request(first.url).get('/').set('Cookie', cookieHeader).expect(200);
      // The cookie is `s:<sid>.<signature>`: that session is a row of gateway_sessions.
      const sid = decodeURIComponent(cookieHeader.split('=')[1]).slice(2).split('.')[0];
      const rows = (await first.app
        .get(DataSource)
        .query('SELECT sid FROM gateway_sessions WHERE sid = ?', [sid])) as { sid: string }[];
      expect(rows).toEqual([{ sid }]);
      await stopGateway(first.app);

      // The restarted gateway: no SESSION_SECRET either, the same MANAGER_PASSWORD.
      const second = await startGateway();
      const home = await request(second.url).get('/').set('Cookie', cookieHeader).expect(200);
      expect(home.text).toContain('action="/logout"');

      // Logging out there ends the session for good (the row is gone).
      const token = csrfOf(home.text);
      await request(second.url)
        .post('/logout')
        .set('Cookie', cookieHeader)
        .type('form')
        .send({ _csrf: token })
        .expect(303);
      await request(second.url)
        .get('/')
        .set('Cookie', cookieHeader)
        .expect(303)
        .expect('Location', '/login');
      await stopGateway(second.app);
    });

    it('should move the expiry of an active session forward (rolling sessions)', async () => {
      const gateway = await startGateway({ SESSION_TTL_S: '600' });
      const agent = request.agent(gateway.url);
      const page = await agent.get('/login').expect(200);
      const login = await agent
        .post('/login')
        .type('form')
        .send({ password: TEST_PASSWORD, _csrf: csrfOf(page.text), next: '/' })
        .expect(303);
      const cookieHeader = (login.headers['set-cookie'] as unknown as string[])[0].split(';')[0];
      const sid = decodeURIComponent(cookieHeader.split('=')[1]).slice(2).split('.')[0];
      const db = gateway.app.get(DataSource);
      // As if the last page was seen almost 10 minutes ago: 5 s left.
      await db.query('UPDATE gateway_sessions SET expires_at = ? WHERE sid = ?', [
        new Date(Date.now() + 5_000),
        sid,
      ]);
      await request(gateway.url).get('/').set('Cookie', cookieHeader).expect(200);
      const [row] = (await db.query('SELECT expires_at FROM gateway_sessions WHERE sid = ?', [
        sid,
      ])) as { expires_at: Date }[];
      expect(row.expires_at.getTime()).toBeGreaterThan(Date.now() + 500_000);
      await stopGateway(gateway.app);
    });

    it('should end sessions when MANAGER_PASSWORD changes (the derived secret changes)', async () => {
      const first = await startGateway();
      const agent = request.agent(first.url);
      const page = await agent.get('/login').expect(200);
      const login = await agent
        .post('/login')
        .type('form')
        .send({ password: TEST_PASSWORD, _csrf: csrfOf(page.text), next: '/' })
        .expect(303);
      const cookieHeader = (login.headers['set-cookie'] as unknown as string[])[0].split(';')[0];
      await stopGateway(first.app);

      const second = await startGateway({ MANAGER_PASSWORD: 'a brand new password' });
      await request(second.url)
        .get('/')
        .set('Cookie', cookieHeader)
        .expect(303)
        .expect('Location', '/login');
      await stopGateway(second.app);
    });
  });
});
