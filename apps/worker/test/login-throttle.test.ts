import { BrowserLike, Page, csrfTokenIn, imageForm, pngImage } from './support/http';
import { RunningWorker, WorkerHarness, startWorkerHarness } from './support/worker-harness';

const MAX_FAILURES = 5;
const WINDOW_S = 600;
const ATTACKER = '203.0.113.66';

/** loginAs posts the login form as a browser behind the balancer at `address`. */
async function loginAs(
  worker: RunningWorker,
  address: string,
  username: string,
  password: string,
): Promise<Page> {
  const browser = new BrowserLike(worker.url, { 'x-forwarded-for': address });
  const page = await browser.get('/login');
  return browser.postForm('/login', { _csrf: csrfTokenIn(page.text), username, password });
}

/**
 * Password guessing is throttled in the app (issue #10), with the counts in MySQL so that the
 * workers behind one balancer share them: per (account, client address) and per address, never
 * per account alone, so a real user elsewhere is not locked out.
 */
describe('login throttling (real MySQL, two workers on one database)', () => {
  let h: WorkerHarness;
  let other: RunningWorker;
  let png: Buffer;

  const register = async (username: string, password: string) => {
    const res = await fetch(`${h.worker.url}/api/register`, {
      method: 'POST',
      body: new URLSearchParams({ username, password }),
    });
    expect(res.status).toBe(200);
  };
  const upload = async (
    worker: RunningWorker,
    address: string,
    username: string,
    password: string,
  ) => {
    const res = await fetch(`${worker.url}/api/upload`, {
      method: 'POST',
      headers: { 'x-forwarded-for': address },
      body: imageForm({ username, password }, png),
    });
    return {
      status: res.status,
      retryAfter: res.headers.get('retry-after'),
      body: (await res.json()) as { success: boolean; error?: { code: string } },
    };
  };
  const stored = async () => {
    const [row] = await h.query<{ n: number }>('SELECT COUNT(*) AS n FROM images');
    return { images: Number(row.n), keys: (await h.listKeys()).length };
  };

  beforeAll(async () => {
    h = await startWorkerHarness({
      WORKER_LOGIN_MAX_FAILURES: String(MAX_FAILURES),
      WORKER_LOGIN_WINDOW_S: String(WINDOW_S),
    });
    other = await h.startWorker();
    png = await pngImage(60, 40);
    await register('victim', 'the-right-password');
    await register('uploader', 'uploader-password');
  });

  afterAll(async () => {
    await h?.close();
  });

  it('should answer 429 with Retry-After on the login page after the limit, counted across workers', async () => {
    const statuses: number[] = [];
    let last: Page | undefined;
    for (let i = 0; i < 30; i += 1) {
      // Alternate workers, as the balancer would: the count is shared through MySQL.
      last = await loginAs(i % 2 ? other : h.worker, ATTACKER, 'victim', `guess-${i}`);
      statuses.push(last.status);
    }
    expect(statuses.slice(0, MAX_FAILURES)).toEqual(Array(MAX_FAILURES).fill(401));
    expect(statuses.slice(MAX_FAILURES)).toEqual(Array(30 - MAX_FAILURES).fill(429));
    const retryAfter = Number(last!.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(WINDOW_S);
    expect(last!.text).toContain('Too many wrong passwords');
    // Even the right password is refused from the attacker's address...
    expect((await loginAs(h.worker, ATTACKER, 'victim', 'the-right-password')).status).toBe(429);
    // ...but the real user, from their own address, logs in.
    const real = await loginAs(other, '198.51.100.7', 'victim', 'the-right-password');
    expect(real.status).toBe(303);
    expect(real.location).toBe('/pictures');
  });

  it('should answer 429 on /api/upload after the limit and store nothing for refused attempts', async () => {
    const before = await stored();
    const answers = [];
    for (let i = 0; i < 20; i += 1) {
      answers.push(await upload(i % 2 ? other : h.worker, '203.0.113.77', 'uploader', `bad-${i}`));
    }
    expect(answers.slice(0, MAX_FAILURES).map((a) => a.status)).toEqual(
      Array(MAX_FAILURES).fill(401),
    );
    expect(answers.slice(MAX_FAILURES).map((a) => a.status)).toEqual(
      Array(20 - MAX_FAILURES).fill(429),
    );
    const refused = answers[answers.length - 1];
    expect(refused.body).toEqual({
      success: false,
      error: expect.objectContaining({ code: 'too_many_attempts' }) as unknown,
    });
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    // The right password from the throttled address is refused too, and writes nothing.
    expect((await upload(h.worker, '203.0.113.77', 'uploader', 'uploader-password')).status).toBe(
      429,
    );
    expect(await stored()).toEqual(before);
    // The same account from another address uploads.
    expect((await upload(other, '198.51.100.8', 'uploader', 'uploader-password')).status).toBe(200);
    expect(await stored()).toEqual({ images: before.images + 1, keys: before.keys + 2 });
  });

  it('should reset the count of an account and address on a successful login', async () => {
    const address = '198.51.100.9';
    for (let i = 0; i < MAX_FAILURES - 1; i += 1) {
      expect((await loginAs(h.worker, address, 'victim', `typo-${i}`)).status).toBe(401);
    }
    expect((await loginAs(other, address, 'victim', 'the-right-password')).status).toBe(303);
    for (let i = 0; i < MAX_FAILURES - 1; i += 1) {
      expect((await loginAs(h.worker, address, 'victim', `typo-again-${i}`)).status).toBe(401);
    }
    expect((await loginAs(h.worker, address, 'victim', 'the-right-password')).status).toBe(303);
  });

  it('should ignore X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    // This worker trusts only 10.9.9.9: the test's loopback peer may not name the client.
    const strict = await h.startWorker({ WORKER_TRUSTED_PROXIES: '10.9.9.9' });
    await register('strict', 'strict-password');
    for (let i = 0; i < MAX_FAILURES; i += 1) {
      expect((await loginAs(strict, `192.0.2.${i}`, 'strict', `nope-${i}`)).status).toBe(401);
    }
    // A new forwarded address does not escape: the client is the peer, 127.0.0.1.
    expect((await loginAs(strict, '192.0.2.200', 'strict', 'strict-password')).status).toBe(429);
  });

  it('should keep one indexed row per key in worker_login_failures, with no names or addresses', async () => {
    const rows = await h.query<{ key_hash: string; scope: string }>(
      'SELECT key_hash, scope FROM worker_login_failures',
    );
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.key_hash))).toBe(true);
    expect(JSON.stringify(rows)).not.toContain(ATTACKER);
    const indexes = await h.query<{ Key_name: string }>('SHOW INDEX FROM worker_login_failures');
    expect(indexes.map((i) => i.Key_name)).toEqual(
      expect.arrayContaining(['PRIMARY', 'idx_worker_login_failures_window']),
    );
  });

  it('should prune counters whose window has ended', async () => {
    await h.query(
      "INSERT INTO worker_login_failures (key_hash, scope, failures, window_start_ms) VALUES (?, 'pair', 3, 0)",
      ['0'.repeat(64)],
    );
    // A fresh worker prunes on its first failure (then at most once a minute).
    const fresh = await h.startWorker();
    expect((await loginAs(fresh, '198.51.100.10', 'victim', 'wrong')).status).toBe(401);
    expect(
      await h.query('SELECT key_hash FROM worker_login_failures WHERE key_hash = ?', [
        '0'.repeat(64),
      ]),
    ).toEqual([]);
  });
});
