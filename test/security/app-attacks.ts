import { form, multipart, RawRequest } from './raw-http';

/** AppUser is an account of the app seeded before the attacks. */
export interface AppUser {
  username: string;
  password: string;
}

/** AppAttackContext is what the rows are built from (filled in once the stack is seeded). */
export interface AppAttackContext {
  /** Has a picture; the attacker's target. */
  alice: AppUser;
  /** Has a picture; logged in as the attacker. */
  bob: AppUser;
  /** Has no picture; the account the 30 wrong passwords are tried on. */
  carol: AppUser;
  /** A small valid PNG. */
  png: Buffer;
  /** Bigger than the stack's UPLOAD_MAX_BYTES. */
  oversized: Buffer;
  /** The namebase of alice's picture (images.namebase). */
  alicePicture: string;
  /** The `Cookie` header of bob's logged-in session. */
  bobCookie: string;
  /** A fresh login page's session cookie and CSRF token. */
  loginPage(): Promise<{ cookie: string; csrf: string }>;
}

/** AppAttack is one request to the app through the balancer and the answer it must get. */
export interface AppAttack {
  name: string;
  build(context: AppAttackContext): RawRequest | Promise<RawRequest>;
  expectStatus: number;
  /** The answer must say when to come back (429). */
  expectRetryAfter?: boolean;
  /** Where a refused page must send the browser (3xx). */
  expectLocation?: RegExp;
  /** Texts the answer must not contain (metrics, another user's data). */
  mustNotContain?: string[];
}

const post = (path: string, body: { headers: Record<string, string>; body: string | Buffer }) => ({
  method: 'POST',
  path,
  headers: body.headers,
  body: body.body,
});

/** A document that is not an image, whatever its name says. */
const PDF = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n');
const HTML = Buffer.from('<html><script>fetch("/api/upload")</script></html>');
const SVG = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(document.cookie)"><rect/></svg>',
);
/** Starts like a PNG (magic bytes) and does not decode. */
const FAKE_PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(64, 7)]);

const upload = (
  name: string,
  expectStatus: number,
  fields: (c: AppAttackContext) => Record<string, string>,
  file?: (c: AppAttackContext) => { content: Buffer; filename: string; type?: string },
): AppAttack => ({
  name: `POST /api/upload ${name}`,
  build: (c) => post('/api/upload', multipart(fields(c), file?.(c))),
  expectStatus,
});

const as = (u: AppUser) => ({ username: u.username, password: u.password });
const png = (c: AppAttackContext) => ({
  content: c.png,
  filename: 'picture.png',
  type: 'image/png',
});

/** UPLOAD_ATTACKS are bad uploads: wrong credentials, no file, not an image, too large. */
export const UPLOAD_ATTACKS: AppAttack[] = [
  upload(
    'with a wrong password',
    401,
    (c) => ({ ...as(c.alice), password: 'wrong password' }),
    png,
  ),
  upload('as an unknown user', 401, () => ({ username: 'mallory', password: 'any password' }), png),
  upload(
    "as bob with alice's password",
    401,
    (c) => ({ ...as(c.bob), password: c.alice.password }),
    png,
  ),
  upload(
    'as "../alice" (a path in the name)',
    401,
    (c) => ({ ...as(c.alice), username: '../alice' }),
    png,
  ),
  upload('without a username', 400, (c) => ({ password: c.alice.password }), png),
  upload('without a password', 400, (c) => ({ username: c.alice.username }), png),
  upload('without a file', 400, (c) => as(c.alice)),
  upload(
    'with an empty file',
    400,
    (c) => as(c.alice),
    () => ({ content: Buffer.alloc(0), filename: 'x.png' }),
  ),
  upload(
    'with a PDF named .png',
    415,
    (c) => as(c.alice),
    () => ({ content: PDF, filename: 'cv.png', type: 'image/png' }),
  ),
  upload(
    'with HTML and a script',
    415,
    (c) => as(c.alice),
    () => ({ content: HTML, filename: 'x.html', type: 'text/html' }),
  ),
  upload(
    'with an SVG carrying onload',
    415,
    (c) => as(c.alice),
    () => ({ content: SVG, filename: 'x.svg', type: 'image/svg+xml' }),
  ),
  upload(
    'with PNG magic bytes that do not decode',
    415,
    (c) => as(c.alice),
    () => ({ content: FAKE_PNG, filename: 'x.png' }),
  ),
  upload(
    'over UPLOAD_MAX_BYTES',
    413,
    (c) => as(c.alice),
    (c) => ({ content: c.oversized, filename: 'big.png' }),
  ),
  ...[
    '../../../../etc/passwd',
    '..\\..\\..\\windows\\win.ini',
    '/etc/shadow',
    '%2e%2e%2f%2e%2e%2fimages%2f1%2fx.png',
    'images/2/../../thumbnails/1/x.png',
  ].map((filename) =>
    upload(
      `with the file name ${JSON.stringify(filename)} (not an image)`,
      415,
      (c) => as(c.alice),
      () => ({
        content: PDF,
        filename,
      }),
    ),
  ),
  upload(
    'with a path-traversal file name and a wrong password',
    401,
    (c) => ({ ...as(c.alice), password: 'wrong password' }),
    (c) => ({
      content: c.png,
      filename: '../../../../var/lib/mysql/x.png',
    }),
  ),
];

const register = (
  name: string,
  expectStatus: number,
  fields: (c: AppAttackContext) => Record<string, string | string[]>,
): AppAttack => ({
  name: `POST /api/register ${name}`,
  build: (c) => post('/api/register', form(fields(c))),
  expectStatus,
});

const PASSWORD = 'a long enough password';
const username = (name: string) => () => ({ username: name, password: PASSWORD });

/** REGISTER_ATTACKS are registrations with a bad or taken username or a bad password. */
export const REGISTER_ATTACKS: AppAttack[] = [
  register('with an empty username', 400, username('')),
  register('with a 2-character username', 400, username('ab')),
  register('with a 33-character username', 400, username('a'.repeat(33))),
  register('with a 1000-character username', 400, username('a'.repeat(1000))),
  register('with a NUL in the username', 400, username('eve\u0000admin')),
  register('with a newline in the username', 400, username('eve\nadmin')),
  register('with a tab in the username', 400, username('eve\tx')),
  register('with an escape sequence in the username', 400, username('eve\u001b[31m')),
  register("with SQL ' OR '1'='1", 400, username("x' OR '1'='1")),
  register("with SQL admin'--", 400, username("admin'--")),
  register('with SQL ; DROP TABLE users', 400, username('x;DROP TABLE users')),
  register('with a path ../alice', 400, username('../alice')),
  register('with HTML <script>', 400, username('<script>x</script>')),
  register('with a Cyrillic look-alike of alice', 400, username('\u0430lice')),
  register('with a zero-width space', 400, username('ali\u200bce')),
  register('with a taken username', 409, (c) => ({
    username: c.alice.username,
    password: PASSWORD,
  })),
  register('with a taken username in other letter case', 409, (c) => ({
    username: c.alice.username.toUpperCase(),
    password: PASSWORD,
  })),
  register('with the username twice', 400, () => ({
    username: ['eve1', 'eve2'],
    password: PASSWORD,
  })),
  register('without a password', 400, () => ({ username: 'eve' })),
  register('with a 7-character password', 400, () => ({ username: 'eve', password: '1234567' })),
  register('with a 129-character password', 400, () => ({
    username: 'eve',
    password: 'p'.repeat(129),
  })),
  {
    name: 'POST /api/register with a JSON object as the username',
    build: () => ({
      method: 'POST',
      path: '/api/register',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: { $gt: '' }, password: PASSWORD }),
    }),
    expectStatus: 400,
  },
  {
    name: 'POST /api/register with malformed JSON',
    build: () => ({
      method: 'POST',
      path: '/api/register',
      headers: { 'content-type': 'application/json' },
      body: '{"username": "eve", ',
    }),
    expectStatus: 400,
  },
];

/** WRONG_PASSWORDS is how many wrong passwords are tried on one account (issue #10: 30). */
export const WRONG_PASSWORDS = 30;

/**
 * loginAttacks are the log-in page's rows: 30 wrong passwords for carol (401 up to
 * `maxFailures`, then 429 with Retry-After), and log-ins without a valid CSRF token.
 */
export function loginAttacks(maxFailures: number): AppAttack[] {
  const wrong = Array.from({ length: WRONG_PASSWORDS }, (_, i): AppAttack => {
    const blocked = i >= maxFailures;
    return {
      name: `POST /login wrong password ${i + 1} of ${WRONG_PASSWORDS} for one account (${blocked ? '429' : '401'})`,
      build: async (c) => {
        const page = await c.loginPage();
        const body = form({
          username: c.carol.username,
          password: `wrong password ${i}`,
          _csrf: page.csrf,
        });
        return post('/login', {
          headers: { ...body.headers, cookie: page.cookie },
          body: body.body,
        });
      },
      expectStatus: blocked ? 429 : 401,
      expectRetryAfter: blocked,
    };
  });
  return [
    ...wrong,
    {
      name: 'POST /login with the right password of the account being guessed (429, no session)',
      build: async (c) => {
        const page = await c.loginPage();
        const body = form({ ...as(c.carol), _csrf: page.csrf });
        return post('/login', {
          headers: { ...body.headers, cookie: page.cookie },
          body: body.body,
        });
      },
      expectStatus: 429,
      expectRetryAfter: true,
    },
    {
      name: 'POST /api/upload with the right password of the account being guessed (429, nothing stored)',
      build: (c) => post('/api/upload', multipart(as(c.carol), png(c))),
      expectStatus: 429,
      expectRetryAfter: true,
    },
    {
      name: 'POST /login with the right password and no CSRF token',
      build: async (c) => {
        const page = await c.loginPage();
        const body = form(as(c.alice));
        return post('/login', {
          headers: { ...body.headers, cookie: page.cookie },
          body: body.body,
        });
      },
      expectStatus: 403,
    },
    {
      name: 'POST /login with the right password and a made-up CSRF token',
      build: async (c) => {
        const page = await c.loginPage();
        const body = form({ ...as(c.alice), _csrf: 'forged-token' });
        return post('/login', {
          headers: { ...body.headers, cookie: page.cookie },
          body: body.body,
        });
      },
      expectStatus: 403,
    },
    {
      name: "POST /login with the right password and another session's CSRF token (no cookie)",
      build: async (c) => {
        const page = await c.loginPage();
        return post('/login', form({ ...as(c.alice), _csrf: page.csrf }));
      },
      expectStatus: 403,
    },
  ];
}

const page = (
  name: string,
  path: (c: AppAttackContext) => string,
  expectStatus = 404,
): AppAttack => ({
  name,
  build: (c) => ({ method: 'GET', path: path(c), headers: { cookie: c.bobCookie } }),
  expectStatus,
  mustNotContain: ['alice'],
});

/** PICTURE_ATTACKS are bob, logged in, asking for alice's picture page (and anonymous asking). */
export const PICTURE_ATTACKS: AppAttack[] = [
  page("GET another user's picture page", (c) => `/pictures/${c.alicePicture}`),
  page(
    "GET another user's picture page with its extension",
    (c) => `/pictures/${c.alicePicture}.png`,
  ),
  page(
    "GET another user's picture page, upper-cased",
    (c) => `/pictures/${c.alicePicture.toUpperCase()}`,
  ),
  page(
    "GET another user's picture page through ../",
    (c) => `/pictures/..%2F..%2Fpictures%2F${c.alicePicture}`,
  ),
  page('GET a picture page named by SQL', () => `/pictures/${encodeURIComponent("x' OR '1'='1")}`),
  {
    name: "GET another user's picture page without a session",
    build: (c) => ({ method: 'GET', path: `/pictures/${c.alicePicture}` }),
    expectStatus: 303,
    expectLocation: /^\/login/,
    mustNotContain: ['alice'],
  },
];

const notPublic = (method: string, path: string): AppAttack => ({
  name: `${method} ${path} through the balancer`,
  build: () => ({ method, path }),
  expectStatus: 404,
  mustNotContain: ['process_cpu_seconds_total', 'http_requests_total', '"ms"'],
});

/** NOT_PUBLIC_ATTACKS are the load-test endpoints (off) and the workers' metrics, every spelling. */
export const NOT_PUBLIC_ATTACKS: AppAttack[] = [
  notPublic('GET', '/api/load/cpu?ms=2000'),
  notPublic('GET', '/api/load/sleep?ms=30000'),
  notPublic('GET', '/API/LOAD/CPU?ms=2000'),
  notPublic('GET', '/api/load/cpu/?ms=2000'),
  notPublic('GET', '//api/load/sleep?ms=30000'),
  notPublic('POST', '/api/load/cpu?ms=2000'),
  notPublic('GET', '/metrics'),
  notPublic('GET', '/metrics/'),
  notPublic('GET', '/METRICS'),
  notPublic('GET', '/metrics?format=prometheus'),
  notPublic('GET', '//metrics'),
  notPublic('GET', '/%6Detrics'),
  notPublic('GET', '/metrics%2F'),
  notPublic('GET', '/api/../metrics'),
  notPublic('GET', '/./metrics'),
  notPublic('GET', '/api/%2e%2e/metrics'),
  notPublic('GET', '/pictures/../../metrics/'),
  notPublic('GET', 'http://127.0.0.1/metrics'),
];

/** appAttacks are every row against the app through the balancer. */
export function appAttacks(maxFailures: number): AppAttack[] {
  return [
    ...UPLOAD_ATTACKS,
    ...REGISTER_ATTACKS,
    ...loginAttacks(maxFailures),
    ...PICTURE_ATTACKS,
    ...NOT_PUBLIC_ATTACKS,
  ];
}
