import sharp from 'sharp';
import { freePort, waitFor } from '@app/testing';
import { TypeOrmSessionStore } from '../src/session/typeorm-session.store';
import { BrowserLike, csrfTokenIn, decodeHtml, imageForm, pngImage } from './support/http';
import { WorkerHarness, startWorkerHarness } from './support/worker-harness';

/** registerThroughForm registers `username` with the HTML form and answers the logged-in client. */
async function registerThroughForm(url: string, username: string): Promise<BrowserLike> {
  const browser = new BrowserLike(url);
  const form = await browser.get('/register');
  expect(form.status).toBe(200);
  const done = await browser.postForm('/register', {
    _csrf: csrfTokenIn(form.text),
    username,
    password: 'correct horse battery',
  });
  expect(done.status).toBe(303);
  expect(done.location).toBe('/upload');
  return browser;
}

/** srcOf returns the decoded `src` of the first <img> matching `attribute`. */
function srcOf(html: string, attribute: RegExp): string {
  const tag = html.match(/<img [^>]*>/g)?.find((t) => attribute.test(t));
  if (!tag) throw new Error(`no <img> matching ${attribute}`);
  return decodeHtml(/src="([^"]+)"/.exec(tag)![1]);
}

describe('worker pages (real MySQL, real local S3)', () => {
  let h: WorkerHarness;
  let alice: BrowserLike;
  let original: Buffer;
  let namebase: string;

  beforeAll(async () => {
    h = await startWorkerHarness();
    original = await pngImage(800, 400);
  });

  afterAll(async () => {
    await h?.close();
  });

  it('should register, log out and log back in through the forms', async () => {
    alice = await registerThroughForm(h.worker.url, 'alice');
    const upload = await alice.get('/upload');
    expect(upload.text).toContain('Welcome, alice!');

    const loggedOut = await alice.postForm('/logout', { _csrf: csrfTokenIn(upload.text) });
    expect(loggedOut.status).toBe(303);
    expect((await alice.get('/pictures')).location).toBe('/login?next=%2Fpictures');

    const loginPage = await alice.get('/login?next=%2Fpictures');
    const wrong = await alice.postForm('/login', {
      _csrf: csrfTokenIn(loginPage.text),
      username: 'alice',
      password: 'not the password',
    });
    expect(wrong.status).toBe(401);
    expect(wrong.text).toContain('Wrong username or password.');

    const ok = await alice.postForm('/login', {
      _csrf: csrfTokenIn(wrong.text),
      username: 'alice',
      password: 'correct horse battery',
      next: '/pictures',
    });
    expect(ok.status).toBe(303);
    expect(ok.location).toBe('/pictures');
    expect((await alice.get('/pictures')).status).toBe(200);
  });

  it('should explain registration errors on the form', async () => {
    const browser = new BrowserLike(h.worker.url);
    const form = await browser.get('/register');
    const taken = await browser.postForm('/register', {
      _csrf: csrfTokenIn(form.text),
      username: 'ALICE',
      password: 'another password',
    });
    expect(taken.status).toBe(409);
    expect(taken.text).toContain('The username &quot;ALICE&quot; is already taken.');

    const short = await browser.postForm('/register', {
      _csrf: csrfTokenIn(form.text),
      username: 'bob',
      password: 'short',
    });
    expect(short.status).toBe(400);
    expect(short.text).toContain('The password must be 8 to 128 characters long.');

    const badName = await browser.postForm('/register', {
      _csrf: csrfTokenIn(form.text),
      username: 'bob smith!',
      password: 'long enough password',
    });
    expect(badName.status).toBe(400);
    expect(badName.text).toContain('letters, digits and the characters _ . -');
    expect(await h.query('SELECT userid FROM users WHERE username LIKE ?', ['bob%'])).toEqual([]);
  });

  it('should upload a PNG through the form with its CSRF token', async () => {
    const page = await alice.get('/upload');
    const res = await alice.postMultipart(
      '/upload',
      imageForm({ _csrf: csrfTokenIn(page.text) }, original, 'holiday.png'),
    );
    expect(res.status).toBe(303);
    const match = /^\/pictures\/([0-9a-f]{32})$/.exec(res.location ?? '');
    expect(match).not.toBeNull();
    namebase = match![1];

    const [row] = await h.query<{ extension: string; upload_count: number }>(
      'SELECT i.extension, u.upload_count FROM images i JOIN users u USING (userid) WHERE namebase = ?',
      [namebase],
    );
    expect(row).toEqual({ extension: 'png', upload_count: 1 });
    const [user] = await h.query<{ userid: number }>(
      'SELECT userid FROM users WHERE username = ?',
      ['alice'],
    );
    expect(await h.listKeys()).toEqual([
      `images/${user.userid}/${namebase}.png`,
      `thumbnails/${user.userid}/${namebase}.png`,
    ]);
  });

  it('should show the thumbnail in the gallery, within 200×150 with the aspect kept', async () => {
    const gallery = await alice.get('/pictures');
    expect(gallery.status).toBe(200);
    const url = srcOf(gallery.text, new RegExp(`data-namebase="${namebase}"`));
    expect(url).toMatch(/X-Amz-Expires=300/);
    const thumb = await fetch(url);
    expect(thumb.status).toBe(200);
    const meta = await sharp(Buffer.from(await thumb.arrayBuffer())).metadata();
    expect(meta.format).toBe('png');
    expect(meta.width).toBe(200);
    expect(meta.height).toBe(100);
  });

  it('should give back the full-size picture byte for byte through its presigned URL', async () => {
    const page = await alice.get(`/pictures/${namebase}`);
    expect(page.status).toBe(200);
    const res = await fetch(srcOf(page.text, /id="picture"/));
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(original)).toBe(true);
  });

  it("should never show a user another user's picture (404, not listed)", async () => {
    const mallory = await registerThroughForm(h.worker.url, 'mallory');
    const page = await mallory.get(`/pictures/${namebase}`);
    expect(page.status).toBe(404);
    expect(page.text).not.toContain('X-Amz-Signature');
    const gallery = await mallory.get('/pictures');
    expect(gallery.status).toBe(200);
    expect(gallery.text).not.toContain(namebase);
    expect(gallery.text).toContain('You have no pictures yet.');
  });

  it('should refuse form POSTs without a valid CSRF token (403) and change nothing', async () => {
    const before = await h.listKeys();
    const noToken = await alice.postMultipart('/upload', imageForm({}, original));
    expect(noToken.status).toBe(403);
    expect(noToken.text).toContain('This form has expired or was not sent from this site.');
    const wrongToken = await alice.postMultipart(
      '/upload',
      imageForm({ _csrf: 'x'.repeat(43) }, original),
    );
    expect(wrongToken.status).toBe(403);
    expect(await h.listKeys()).toEqual(before);

    const stranger = new BrowserLike(h.worker.url);
    const login = await stranger.postForm('/login', {
      username: 'alice',
      password: 'correct horse battery',
    });
    expect(login.status).toBe(403);
    const register = await stranger.postForm('/register', {
      username: 'eve',
      password: 'long enough password',
    });
    expect(register.status).toBe(403);
    expect(await h.query('SELECT userid FROM users WHERE username = ?', ['eve'])).toEqual([]);
    const logout = await alice.postForm('/logout', {});
    expect(logout.status).toBe(403);
    expect((await alice.get('/pictures')).status).toBe(200);
  });

  it('should explain a refused upload on the form page', async () => {
    const page = await alice.get('/upload');
    const res = await alice.postMultipart(
      '/upload',
      imageForm({ _csrf: csrfTokenIn(page.text) }, Buffer.from('just some text'), 'notes.png'),
    );
    expect(res.status).toBe(415);
    expect(res.text).toContain('This file is not a picture');
  });

  it('should keep the session on another worker (sessions live in MySQL)', async () => {
    const other = await h.startWorker();
    const res = await alice.on(other.url).get('/pictures');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-ebbflow-instance')).toBe(other.config.INSTANCE_ID);
    expect(res.text).toContain(`data-namebase="${namebase}"`);
  });

  it('should let pages load pictures from the S3 server only (img-src) by default', async () => {
    const gallery = await alice.get('/pictures');
    const url = srcOf(gallery.text, /data-namebase=/);
    expect(new URL(url).origin).toBe(h.s3.url);
    expect((await fetch(url)).status).toBe(200);
    expect(gallery.headers.get('content-security-policy')).toContain(
      `img-src 'self' data: ${h.s3.url};`,
    );
  });

  it('should sign picture URLs for S3_PUBLIC_ENDPOINT and allow that origin in img-src', async () => {
    // A second address of the same local S3 server, as a browser elsewhere would reach it.
    const publicOrigin = `http://localhost:${h.s3.port}`;
    expect(publicOrigin).not.toBe(h.s3.url);
    const worker = await h.startWorker({ S3_PUBLIC_ENDPOINT: publicOrigin });
    const browser = alice.on(worker.url);

    const gallery = await browser.get('/pictures');
    expect(gallery.status).toBe(200);
    const thumbUrl = srcOf(gallery.text, new RegExp(`data-namebase="${namebase}"`));
    expect(new URL(thumbUrl).origin).toBe(publicOrigin);
    expect((await fetch(thumbUrl)).status).toBe(200);

    const page = await browser.get(`/pictures/${namebase}`);
    expect(page.status).toBe(200);
    const url = srcOf(page.text, /id="picture"/);
    expect(new URL(url).origin).toBe(publicOrigin);
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(original)).toBe(true);
    // The local S3 server checks SigV4 like S3: the URLs are signed for the public host, so the
    // same URL sent to the internal address is refused.
    const internal = new URL(url);
    internal.host = new URL(h.s3.url).host;
    const refused = await fetch(internal);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('<Code>SignatureDoesNotMatch</Code>');

    for (const response of [gallery, page]) {
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp).toContain(`img-src 'self' data: ${publicOrigin};`);
      expect(csp).not.toContain(h.s3.url);
    }
  });

  it('should keep storing uploads at S3_ENDPOINT when S3_PUBLIC_ENDPOINT is elsewhere', async () => {
    // Nothing listens at the public address: only browsers would use it, never the worker.
    const unreachable = `http://localhost:${await freePort()}`;
    const worker = await h.startWorker({ S3_PUBLIC_ENDPOINT: unreachable });
    const browser = alice.on(worker.url);
    const form = await browser.get('/upload');
    const res = await browser.postMultipart(
      '/upload',
      imageForm({ _csrf: csrfTokenIn(form.text) }, original, 'again.png'),
    );
    expect(res.status).toBe(303);
    const uploaded = /^\/pictures\/([0-9a-f]{32})$/.exec(res.location ?? '')![1];
    expect((await h.listKeys()).filter((key) => key.includes(uploaded))).toHaveLength(2);
    const page = await browser.get(`/pictures/${uploaded}`);
    expect(new URL(srcOf(page.text, /id="picture"/)).origin).toBe(unreachable);
  });

  it('should stop serving a picture once its presigned URL has expired', async () => {
    const shortLived = await h.startWorker({ PRESIGN_TTL_S: '1' });
    const page = await alice.on(shortLived.url).get(`/pictures/${namebase}`);
    const url = srcOf(page.text, /id="picture"/);
    expect(url).toMatch(/X-Amz-Expires=1&/);
    await waitFor(async () => (await fetch(url)).status === 403, {
      timeoutMs: 10000,
      what: 'the presigned URL to expire',
    });
  });

  it('should serve the stylesheet and send the instance header with every response', async () => {
    const css = await fetch(`${h.worker.url}/static/style.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('x-ebbflow-instance')).toBe(h.worker.config.INSTANCE_ID);
    const missing = await fetch(`${h.worker.url}/no/such/page`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('x-ebbflow-instance')).toBe(h.worker.config.INSTANCE_ID);
    expect(await missing.text()).toContain('There is no such page.');
  });

  /** setCookiesOfRegistration registers through the form and answers every Set-Cookie line. */
  async function setCookiesOfRegistration(url: string, headers: Record<string, string> = {}) {
    const browser = new BrowserLike(url, headers);
    const form = await browser.get('/register');
    const done = await browser.postForm('/register', {
      _csrf: csrfTokenIn(form.text),
      username: `c${Math.random().toString(36).slice(2, 12)}`,
      password: 'correct horse battery',
    });
    return {
      form: form.headers.getSetCookie(),
      done: done.headers.getSetCookie(),
      status: done.status,
    };
  }

  it('should set the session and CSRF cookies httpOnly and SameSite', async () => {
    const cookies = await setCookiesOfRegistration(h.worker.url);
    const session = cookies.done.find((c) => c.startsWith('ebbflow.sid='));
    expect(session).toMatch(/HttpOnly/);
    expect(session).toMatch(/SameSite=Lax/);
    const csrf = cookies.form.find((c) => c.startsWith('ebbflow.csrf='));
    expect(csrf).toMatch(/HttpOnly/);
    expect(csrf).toMatch(/SameSite=Lax/);
  });

  it('should write no session row for anonymous views of / and /login (issue #15)', async () => {
    const count = async () =>
      Number(
        (
          (await h.query('SELECT COUNT(*) AS n FROM worker_sessions')) as { n: number | string }[]
        )[0].n,
      );
    const before = await count();
    for (let i = 0; i < 10; i += 1) {
      // A new visitor each time, and one coming back with its cookies.
      const visitor = new BrowserLike(h.worker.url);
      expect((await visitor.get('/')).location).toBe('/login');
      const login = await visitor.get('/login');
      expect(login.status).toBe(200);
      expect(login.headers.getSetCookie().filter((c) => c.startsWith('ebbflow.sid='))).toEqual([]);
      expect((await visitor.get('/login')).status).toBe(200);
    }
    expect(await count()).toBe(before);
  });

  it('should answer /favicon.ico with an icon, without a session', async () => {
    const res = await fetch(`${h.worker.url}/favicon.ico`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^image\/x-icon/);
    // An ICO file starts with reserved 0, type 1.
    expect([...Buffer.from(await res.arrayBuffer()).subarray(0, 4)]).toEqual([0, 0, 1, 0]);
    expect(res.headers.getSetCookie()).toEqual([]);
  });

  it('should refuse a login whose form token is not its own signed CSRF cookie', async () => {
    const visitor = new BrowserLike(h.worker.url);
    const form = await visitor.get('/login');
    const token = csrfTokenIn(form.text);
    const [nonce] = token.split('.');
    // The same nonce with another signature: a cookie an attacker planted and knows.
    const forged = `${nonce}.${'A'.repeat(43)}`;
    const other = new BrowserLike(h.worker.url);
    await other.get('/login');
    for (const [who, fields] of [
      ['the field of another visitor', { _csrf: csrfTokenIn((await other.get('/login')).text) }],
      ['a forged signature', { _csrf: forged }],
    ] as const) {
      const res = await visitor.postForm('/login', {
        ...fields,
        username: 'alice',
        password: 'correct horse battery',
      });
      expect({ who, status: res.status }).toEqual({ who, status: 403 });
    }
    const ok = await visitor.postForm('/login', {
      _csrf: token,
      username: 'alice',
      password: 'correct horse battery',
    });
    expect(ok.status).toBe(303);
  });

  it.each<[string, Record<string, string>, Record<string, string>, boolean, boolean]>([
    ['auto, behind a TLS balancer', {}, { 'X-Forwarded-Proto': 'https' }, true, true],
    ['auto, over plain HTTP', {}, {}, false, false],
    [
      'false, behind a TLS balancer',
      { APP_COOKIE_SECURE: 'false' },
      { 'X-Forwarded-Proto': 'https' },
      false,
      false,
    ],
    [
      'true, behind a TLS balancer',
      { APP_COOKIE_SECURE: 'true' },
      { 'X-Forwarded-Proto': 'https' },
      true,
      true,
    ],
  ])(
    'should follow APP_COOKIE_SECURE=%s for the Secure cookie and HSTS',
    async (_what, env, headers, secure, hsts) => {
      const worker = Object.keys(env).length ? await h.startWorker(env) : h.worker;
      const res = await fetch(`${worker.url}/login`, { headers });
      const csrf = res.headers.getSetCookie().find((c) => c.startsWith('ebbflow.csrf='));
      expect(/;\s*Secure/i.test(csrf ?? '')).toBe(secure);
      const cookies = await setCookiesOfRegistration(worker.url, headers);
      const cookie = cookies.done.find((c) => c.startsWith('ebbflow.sid='));
      expect(cookie).toMatch(/HttpOnly/);
      expect(/;\s*Secure/i.test(cookie ?? '')).toBe(secure);
      expect(res.headers.get('strict-transport-security')).toBe(
        hsts ? 'max-age=15552000; includeSubDomains' : null,
      );
    },
  );

  it('should send no session cookie over plain HTTP with APP_COOKIE_SECURE=true', async () => {
    const worker = await h.startWorker({ APP_COOKIE_SECURE: 'true' });
    const res = await fetch(`${worker.url}/login`);
    expect(res.status).toBe(200);
    expect(res.headers.getSetCookie().filter((c) => c.startsWith('ebbflow.sid='))).toEqual([]);
  });

  it('should log out a user whose account was deleted (e.g. by the janitor)', async () => {
    const victim = await registerThroughForm(h.worker.url, 'short_lived');
    expect((await victim.get('/upload')).status).toBe(200);
    await h.query('DELETE FROM users WHERE username = ?', ['short_lived']);
    const res = await victim.get('/upload');
    expect(res.status).toBe(303);
    expect(res.location).toBe('/login?next=%2Fupload');
  });

  it('should forget sessions once they expire', async () => {
    const store = h.worker.app.get(TypeOrmSessionStore);
    const ttlMs = h.worker.config.SESSION_TTL_S * 1000;
    expect(await store.prune(new Date())).toBe(0);
    expect((await alice.get('/pictures')).status).toBe(200);
    expect(await store.prune(new Date(Date.now() + ttlMs + 1000))).toBeGreaterThan(0);
    expect(await h.query('SELECT sid FROM worker_sessions')).toEqual([]);
    expect((await alice.get('/pictures')).location).toBe('/login?next=%2Fpictures');
  });
});
