import { isAlive, waitFor } from '@app/testing';
import http from 'http';
import { createConnection } from 'mysql2/promise';
import { StackProcess, startStackProcess, workerPids } from './support/stack-process';

/**
 * "Stopping" (DESIGN.md): terminate all workers, disable the auto-scaler, then stop the manager —
 * through the JSON API of a stack run as `npm start` runs it.
 */
describe('Stopping (POST /api/shutdown) on the whole stack', () => {
  let stack: StackProcess;

  beforeAll(async () => {
    stack = await startStackProcess({ INITIAL_WORKERS: '2' });
  });

  afterAll(() => stack.cleanUp());

  it('should drain and terminate every worker, disable the auto-scaler, then stop every service', async () => {
    await stack.healthy();
    await waitFor(
      async () => {
        const { body } = await stack.api<{ workers: { health: string }[] }>('GET', '/api/workers');
        return body.workers.filter((w) => w.health === 'healthy').length === 2;
      },
      // Two workers starting at once on a busy 2-core machine: their first checks can be slow.
      { timeoutMs: 120000, intervalMs: 500, what: 'two healthy workers' },
    );
    const policy = {
      growThreshold: 50,
      shrinkThreshold: 5,
      growRatio: 2,
      shrinkRatio: 2,
      minWorkers: 1,
      maxWorkers: 4,
      enabled: true,
    };
    expect((await stack.api('PUT', '/api/policy', policy)).status).toBe(200);
    const workers = workerPids(stack.stateDir);
    expect(workers).toHaveLength(2);
    const services = [
      'apps/gateway/src/main.js',
      'apps/fleet/src/main.js',
      'apps/metrics/src/main.js',
      'apps/scaler/src/main.js',
      'apps/janitor/src/main.js',
      'apps/balancer/src/main.js',
      'libs/storage/src/local-s3.main.js',
    ].map((entry) => stack.servicePid(entry)!);
    expect(services.every((pid) => pid > 0)).toBe(true);

    const exited = new Promise<number | null>((resolve) =>
      stack.child.on('exit', (code) => resolve(code)),
    );
    const ids = (await stack.api<{ workers: { id: string }[] }>('GET', '/api/workers')).body.workers
      .map((w) => w.id)
      .sort();
    const { status, body } = await stack.api<{
      workersTerminated: string[];
      scalerDisabled: boolean;
      shutdownRequested: boolean;
    }>('POST', '/api/shutdown');
    expect(status).toBe(200);
    expect([...body.workersTerminated].sort()).toEqual(ids);
    expect(body.scalerDisabled).toBe(true);
    expect(body.shutdownRequested).toBe(true);

    // The supervisor (npm start) ends once the manager stops, with everything it ran.
    expect(await exited).toBe(0);
    await waitFor(() => [...workers, ...services].every((pid) => !isAlive(pid)), {
      timeoutMs: 10000,
      what: 'no process of the stack left',
    });
    expect(stack.output()).toMatch(/the manager stopped/);
    // No service crashed on the way down (the supervisor would have restarted it).
    expect(stack.output()).not.toMatch(/restarting in/);
    // The scaler stored "disabled" before it stopped: the policy is kept, switched off.
    const conn = await createConnection({ uri: stack.databaseUrl });
    const [rows] = await conn.query('SELECT enabled FROM scaling_policy');
    await conn.end();
    expect((rows as { enabled: number }[]).map((r) => Number(r.enabled))).toEqual([0]);
  }, 240000);
});

/** PageClient is a browser-like client of the manager's pages: one session cookie, forms. */
class PageClient {
  private cookie = '';

  constructor(private readonly port: number) {}

  /** request sends one request; `leaveAfterMs` closes the connection then, like a closed tab. */
  request(
    method: string,
    path: string,
    form?: Record<string, string>,
    leaveAfterMs?: number,
  ): Promise<{ status: number; location?: string; text: string; left: boolean }> {
    const body = form ? new URLSearchParams(form).toString() : undefined;
    return new Promise((resolve, reject) => {
      const origin = `http://127.0.0.1:${this.port}`;
      const req = http.request(`${origin}${path}`, {
        method,
        headers: {
          cookie: this.cookie,
          origin,
          referer: `${origin}${path}`,
          ...(body
            ? { 'content-type': 'application/x-www-form-urlencoded', 'content-length': body.length }
            : {}),
        },
      });
      let left = false;
      if (leaveAfterMs !== undefined) {
        setTimeout(() => {
          left = true;
          req.destroy();
        }, leaveAfterMs);
      }
      req.on('response', (res) => {
        const set = res.headers['set-cookie'];
        if (set) this.cookie = set.map((c) => c.split(';')[0]).join('; ');
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () =>
          resolve({ status: res.statusCode!, location: res.headers.location, text, left }),
        );
        res.on('error', () => resolve({ status: res.statusCode!, text, left }));
      });
      req.on('error', (error) => (left ? resolve({ status: 0, text: '', left }) : reject(error)));
      req.end(body);
    });
  }

  static csrfOf(html: string): string {
    const match = /name="_csrf" value="([^"]+)"/.exec(html);
    if (!match) throw new Error('no CSRF token in the page');
    return match[1];
  }

  async login(password: string): Promise<void> {
    const page = await this.request('GET', '/login');
    const answer = await this.request('POST', '/login', {
      password,
      _csrf: PageClient.csrfOf(page.text),
      next: '/',
    });
    if (answer.status !== 303 || answer.location !== '/') {
      throw new Error(`login failed: ${answer.status} ${answer.text.slice(0, 200)}`);
    }
  }
}

/**
 * Issue #9: "Stopping" finishes when the person closes the tab. The run must not depend on the
 * progress page being read to its end: the stack still stops by itself, every worker terminated.
 */
describe('Stopping from the page, the client leaving after 1 s', () => {
  let stack: StackProcess;

  beforeAll(async () => {
    stack = await startStackProcess({ INITIAL_WORKERS: '2' });
  });

  afterAll(() => stack.cleanUp());

  it('should still terminate every worker, stop every service and exit by itself', async () => {
    await stack.healthy();
    await waitFor(
      async () => {
        const { body } = await stack.api<{ workers: { health: string }[] }>('GET', '/api/workers');
        return body.workers.filter((w) => w.health === 'healthy').length === 2;
      },
      { timeoutMs: 60000, intervalMs: 500, what: 'two healthy workers' },
    );
    const workers = workerPids(stack.stateDir);
    expect(workers).toHaveLength(2);
    const services = [
      'apps/gateway/src/main.js',
      'apps/fleet/src/main.js',
      'apps/metrics/src/main.js',
      'apps/scaler/src/main.js',
      'apps/janitor/src/main.js',
      'apps/balancer/src/main.js',
      'libs/storage/src/local-s3.main.js',
    ].map((entry) => stack.servicePid(entry)!);
    expect(services.every((pid) => pid > 0)).toBe(true);
    const exited = new Promise<number | null>((resolve) =>
      stack.child.on('exit', (code) => resolve(code)),
    );

    const client = new PageClient(stack.ports.gateway);
    await client.login(stack.password);
    const form = await client.request('GET', '/stopping');
    expect(form.status).toBe(200);
    const answer = await client.request(
      'POST',
      '/stopping',
      { _csrf: PageClient.csrfOf(form.text), confirm: 'yes' },
      1000,
    );
    // The tab was closed before the page was complete: draining two workers takes longer.
    expect(answer.left).toBe(true);
    expect(answer.text).not.toContain('Everything is stopped');

    expect(await exited).toBe(0);
    await waitFor(() => [...workers, ...services].every((pid) => !isAlive(pid)), {
      timeoutMs: 10000,
      what: 'no process of the stack left',
    });
    expect(workerPids(stack.stateDir)).toEqual([]);
    expect(stack.output()).toMatch(/the manager stopped/);
    expect(stack.output()).not.toMatch(/restarting in/);
  });
});
