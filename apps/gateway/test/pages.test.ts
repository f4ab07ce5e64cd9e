import { FLEET_GROW, FLEET_REMOVE_WORKER, FLEET_SHRINK } from '@app/contracts';
import { waitFor } from '@app/testing';
import { randomUUID } from 'crypto';
import request from 'supertest';
import { POLICY_SAVED } from '../src/policy/policy.page.controller';
import { csrfOf, loggedInAgent } from './support/page-session';
import { Stack, startStack, TEST_PASSWORD } from './support/stack';

const PAGES = [
  '/',
  '/workers',
  '/workers/i-0123abcd',
  '/elb',
  '/autoscale',
  '/delete',
  `/delete/runs/${randomUUID()}`,
  '/stopping',
];

const FORMS = [
  '/workers/grow',
  '/workers/shrink',
  '/workers/i-0123abcd/destroy',
  '/autoscale',
  '/autoscale/enable',
  '/autoscale/disable',
  '/delete',
  '/stopping',
  '/logout',
];

describe('gateway pages: login, sessions and CSRF (supertest)', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack();
    stack.fleet.seed(1);
  });

  afterAll(async () => {
    await stack?.close();
  });

  describe('without a login', () => {
    it.each(PAGES)('should redirect GET %s to the login page, with the way back', async (path) => {
      const res = await request(stack.url).get(path).expect(303);
      expect(res.headers.location).toBe(
        path === '/' ? '/login' : `/login?next=${encodeURIComponent(path)}`,
      );
    });

    it.each(FORMS)('should redirect POST %s to the login page and do nothing', async (path) => {
      const res = await request(stack.url)
        .post(path)
        .type('form')
        .send({ confirm: 'yes' })
        .expect(303);
      expect(res.headers.location).toBe('/login');
      expect(stack.fleet.commands).toHaveLength(0);
      expect(stack.exit.calls).toHaveLength(0);
    });

    it('should answer 401 to the live streams', async () => {
      await request(stack.url).get('/live/workers.json').expect(401);
      await request(stack.url).get('/live/workers').expect(401);
    });

    it('should serve the login page, the health check and the static files', async () => {
      const login = await request(stack.url).get('/login').expect(200);
      expect(login.text).toContain('name="password"');
      expect(login.text).not.toContain('Worker List');
      await request(stack.url).get('/health').expect(200);
      await request(stack.url)
        .get('/static/css/manager.css')
        .expect(200)
        .expect('Content-Type', /css/);
      const chart = await request(stack.url).get('/static/vendor/chart.umd.min.js').expect(200);
      expect(chart.text).toContain('Chart');
    });

    it('should answer /favicon.ico with an icon, without a login (issue #15)', async () => {
      const res = await request(stack.url)
        .get('/favicon.ico')
        .buffer(true)
        .parse((r, done) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => done(null, Buffer.concat(chunks)));
        })
        .expect(200)
        .expect('Content-Type', /^image\/x-icon/);
      // An ICO file starts with reserved 0, type 1.
      expect([...(res.body as Buffer).subarray(0, 4)]).toEqual([0, 0, 1, 0]);
    });
  });

  describe('logging in', () => {
    it('should refuse a wrong password with 401 and the login form again', async () => {
      const agent = request.agent(stack.url);
      const page = await agent.get('/login').expect(200);
      const res = await agent
        .post('/login')
        .type('form')
        .send({ password: 'not the password', _csrf: csrfOf(page.text) })
        .expect(401);
      expect(res.text).toContain('Wrong password.');
      await agent.get('/').expect(303);
    });

    it('should refuse a login form without its CSRF token (403)', async () => {
      const agent = request.agent(stack.url);
      await agent.get('/login').expect(200);
      const res = await agent
        .post('/login')
        .type('form')
        .send({ password: TEST_PASSWORD })
        .expect(403);
      expect(res.text).toContain('Reload the page and try again');
      await agent.get('/').expect(303);
    });

    it('should log in with a new httpOnly SameSite=Lax session cookie and go back where asked', async () => {
      const agent = request.agent(stack.url);
      const page = await agent.get('/login?next=%2Felb').expect(200);
      const before = page.headers['set-cookie']?.[0]?.split(';')[0];
      const res = await agent
        .post('/login')
        .type('form')
        .send({ password: TEST_PASSWORD, _csrf: csrfOf(page.text), next: '/elb' })
        .expect(303)
        .expect('Location', '/elb');
      const cookie = res.headers['set-cookie'][0];
      expect(cookie).toMatch(/^ebbflow\.manager=/);
      expect(cookie).toMatch(/HttpOnly/);
      expect(cookie).toMatch(/SameSite=Lax/);
      // A new session id at login (no session fixation).
      expect(cookie.split(';')[0]).not.toBe(before);
      await agent.get('/elb').expect(200);
    });

    it('should never send the user to another site after login', async () => {
      const agent = request.agent(stack.url);
      const page = await agent.get('/login').expect(200);
      await agent
        .post('/login')
        .type('form')
        .send({ password: TEST_PASSWORD, _csrf: csrfOf(page.text), next: '//evil.example/' })
        .expect(303)
        .expect('Location', '/');
    });

    it('should log out', async () => {
      const { agent, csrf } = await loggedInAgent(stack.url);
      await agent
        .post('/logout')
        .type('form')
        .send({ _csrf: csrf })
        .expect(303)
        .expect('Location', '/login');
      await agent.get('/workers').expect(303);
    });
  });

  describe('logged in', () => {
    it('should show every page with the navigation bar', async () => {
      const { agent } = await loggedInAgent(stack.url);
      for (const path of PAGES.filter((p) => !p.startsWith('/delete/runs'))) {
        const res = await agent.get(path).expect(200);
        for (const label of [
          'Home',
          'Worker List',
          'ELB DNS',
          'Auto Scale',
          'Delete',
          'Stopping',
        ]) {
          expect(res.text).toContain(`>${label}</a>`);
        }
        expect(res.headers['content-security-policy']).toContain("script-src 'self'");
      }
    });

    it('should show the original button labels', async () => {
      const { agent } = await loggedInAgent(stack.url);
      const workers = await agent.get('/workers').expect(200);
      for (const label of ['New one', 'Delete one', 'Destroy', 'Detailed'])
        expect(workers.text).toContain(label);
      const autoscale = await agent.get('/autoscale').expect(200);
      expect(autoscale.text).toContain('>Update</button>');
    });

    it('should refuse a form POST without its CSRF token (403) and send nothing', async () => {
      const { agent } = await loggedInAgent(stack.url);
      await agent.post('/workers/grow').type('form').send({}).expect(403);
      await agent.post('/workers/grow').type('form').send({ _csrf: 'forged-token' }).expect(403);
      expect(stack.fleet.commands).toHaveLength(0);
    });

    it('should send "New one" with a valid token', async () => {
      const { agent, csrf } = await loggedInAgent(stack.url);
      await agent
        .post('/workers/grow')
        .type('form')
        .send({ _csrf: csrf })
        .expect(303)
        .expect('Location', '/workers');
      const cmd = await waitFor(() =>
        stack.fleet.commands.find((c) => c.pattern === FLEET_GROW.pattern),
      );
      expect(cmd.payload).toMatchObject({ count: 1, reason: 'manual: New one' });
      const page = await agent.get('/workers').expect(200);
      expect(page.text).toContain('Asked for one more worker');
    });

    it('should send "Delete one" and "Destroy" with their causes', async () => {
      const { agent, csrf } = await loggedInAgent(stack.url);
      await agent.post('/workers/shrink').type('form').send({ _csrf: csrf }).expect(303);
      const shrink = await waitFor(() =>
        stack.fleet.commands.find((c) => c.pattern === FLEET_SHRINK.pattern),
      );
      expect(shrink.payload).toMatchObject({ count: 1, reason: 'manual: Delete one' });

      const id = stack.fleet.workers.find((w) => w.state === 'running')!.id;
      await agent.post(`/workers/${id}/destroy`).type('form').send({ _csrf: csrf }).expect(303);
      const destroy = stack.fleet.commands
        .filter((c) => c.pattern === FLEET_REMOVE_WORKER.pattern)
        .at(-1);
      expect(destroy?.payload).toMatchObject({ instanceId: id, reason: `manual: Destroy ${id}` });
      const page = await agent.get('/workers').expect(200);
      expect(page.text).toContain(`Worker ${id} is being drained, then terminated`);

      // Destroy of a draining worker: the fleet's reason is the flash message.
      const [draining] = stack.fleet.seed(1);
      stack.fleet.workers.find((w) => w.id === draining)!.state = 'draining';
      await agent
        .post(`/workers/${draining}/destroy`)
        .type('form')
        .send({ _csrf: csrf })
        .expect(303);
      const again = await agent.get('/workers').expect(200);
      expect(again.text).toContain(`Worker ${draining}: ${draining} is already draining.`);
    });

    it('should show "ELB DNS" from BALANCER_PUBLIC_URL while the fleet does not answer (issue #15)', async () => {
      const { agent } = await loggedInAgent(stack.url);
      stack.fleet.mute();
      try {
        const res = await agent.get('/elb').expect(200);
        expect(res.text).toContain('href="http://127.0.0.1:8080"');
        expect(res.text).toContain('the fleet is not answering');
      } finally {
        stack.fleet.answer();
      }
      const again = await agent.get('/elb').expect(200);
      expect(again.text).toMatch(/\d+ of \d+ workers in service/);
    });

    it('should answer the live list as JSON for the polling fallback', async () => {
      const { agent } = await loggedInAgent(stack.url);
      const res = await agent.get('/live/workers.json').expect(200);
      expect(res.body).toMatchObject({
        desired: stack.fleet.desired,
        loadBalancerUrl: 'http://127.0.0.1:8080',
        workers: expect.any(Array),
      });
    });

    it('should show the policy errors next to their fields and save a valid policy', async () => {
      const { agent, csrf } = await loggedInAgent(stack.url);
      const form = {
        _csrf: csrf,
        growThreshold: '20',
        shrinkThreshold: '60',
        growRatio: '2',
        shrinkRatio: 'abc',
        minWorkers: '1',
        maxWorkers: '10',
        enabled: 'on',
      };
      const invalid = await agent.post('/autoscale').type('form').send(form).expect(400);
      expect(invalid.text).toContain(
        'id="shrinkThreshold-error">shrinkThreshold must be below growThreshold',
      );
      expect(invalid.text).toMatch(
        /id="shrinkRatio-error">[^<]*shrinkRatio must be a plain decimal number such as 20 or 2.5/,
      );
      expect(invalid.text).toContain('value="60"');
      expect(stack.scaler.view.policy).toBeNull();

      await agent
        .post('/autoscale')
        .type('form')
        .send({ ...form, shrinkThreshold: '10', shrinkRatio: '2' })
        .expect(303);
      const page = await agent.get('/autoscale').expect(200);
      expect(page.text).toContain(POLICY_SAVED);
      expect(stack.scaler.view.policy).toMatchObject({
        growThreshold: 20,
        shrinkThreshold: 10,
        enabled: true,
      });
    });

    it('should show what the auto-scaler is doing on Auto Scale and at GET /api/scaler (issue #15)', async () => {
      const { agent } = await loggedInAgent(stack.url);
      const at = new Date().toISOString();
      stack.scaler.lastEvaluation = {
        at,
        averageCpu: 3.14,
        workersCounted: 2,
        decision: 'shrink',
        reason: 'shrink',
        message: 'average CPU 3.1% over 2 workers is below the shrink threshold 10%: 2 → 1 (÷2)',
        sizeBefore: 2,
        sizeAfter: 1,
      };
      try {
        const page = await agent.get('/autoscale').expect(200);
        expect(page.text).toContain(`<time datetime="${at}">`);
        expect(page.text).toContain('3.1 % over 2 counted');
        expect(page.text).toContain('shrink (2 → 1)');
        expect(page.text).toContain('<code>shrink</code> average CPU 3.1% over 2 workers');
        const api = await request(stack.url)
          .get('/api/scaler')
          .auth('admin', TEST_PASSWORD)
          .expect(200);
        expect(api.body).toMatchObject({
          lastEvaluation: { at, averageCpu: 3.14, reason: 'shrink' },
        });
        await request(stack.url).get('/api/scaler').expect(401);
      } finally {
        stack.scaler.lastEvaluation = null;
      }
    });

    it('should disable and enable the auto-scaler', async () => {
      const { agent, csrf } = await loggedInAgent(stack.url);
      await agent.post('/autoscale/disable').type('form').send({ _csrf: csrf }).expect(303);
      expect(stack.scaler.view.enabled).toBe(false);
      const disabled = await agent.get('/autoscale').expect(200);
      expect(disabled.text).toContain('Auto-scaler disabled.');
      const listOff = await agent.get('/workers').expect(200);
      expect(listOff.text).toContain('auto-scaler off</a>');
      await agent.post('/autoscale/enable').type('form').send({ _csrf: csrf }).expect(303);
      expect(stack.scaler.view.enabled).toBe(true);
      // Worker List shows desired / min / max together and whether the auto-scaler is on.
      const listOn = await agent.get('/workers').expect(200);
      expect(listOn.text).toMatch(
        /Desired size: <b id="desired">\d+<\/b> · min <b>\d+<\/b> · max <b>\d+<\/b> · <a href="\/autoscale" id="scaler-state">auto-scaler on<\/a>/,
      );
    });

    it('should not clear or stop without the confirmation box', async () => {
      const { agent, csrf } = await loggedInAgent(stack.url);
      await stack.addUsers(1, 1);
      const del = await agent.post('/delete').type('form').send({ _csrf: csrf }).expect(400);
      expect(del.text).toContain('Tick the box to confirm');
      const stop = await agent.post('/stopping').type('form').send({ _csrf: csrf }).expect(400);
      expect(stop.text).toContain('Tick the box to confirm');
      const rows = (await stack.db.query('SELECT COUNT(*) AS n FROM users')) as { n: string }[];
      expect(Number(rows[0].n)).toBe(1);
      expect(stack.exit.calls).toHaveLength(0);
    });

    it('should answer 404 for an unknown clear run and 400 for a malformed worker id', async () => {
      const { agent } = await loggedInAgent(stack.url);
      await agent.get(`/delete/runs/${randomUUID()}`).expect(404);
      const bad = await agent.get('/workers/nope').expect(400);
      expect(bad.text).toContain('must look like i-0123abcd');
    });
  });
});
