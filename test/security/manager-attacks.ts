import { form, RawRequest } from './raw-http';

/** ManagerAttackContext is what the manager rows beyond GATEWAY_ATTACKS are built from. */
export interface ManagerAttackContext {
  password: string;
  /** A worker of the pool (page forms that would destroy it). */
  workerId: string;
  /** The `Cookie` of a logged-in manager session (no CSRF token given to the rows). */
  sessionCookie: string;
  /** A fresh login page's session cookie and CSRF token. */
  loginPage(): Promise<{ cookie: string; csrf: string }>;
}

/** ManagerAttack is one request to the manager and the answer it must get. */
export interface ManagerAttack {
  name: string;
  build(context: ManagerAttackContext): RawRequest | Promise<RawRequest>;
  expectStatus: number;
  expectRetryAfter?: boolean;
}

/** The client address the wrong-password rows come from (through a trusted local proxy). */
export const GUESSING_ADDRESS = '203.0.113.9';

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/**
 * wrongPasswordAttacks are Basic calls with wrong passwords from one client address: 401 up to
 * LOGIN_MAX_FAILURES, then 429 with Retry-After, and then the right password from that address
 * is refused too (429) and changes nothing. They come `X-Forwarded-For` a documentation address
 * through the loopback proxy the manager trusts, so the suite's own address stays usable.
 */
export function wrongPasswordAttacks(maxFailures: number): ManagerAttack[] {
  const rows = Array.from({ length: maxFailures + 1 }, (_, i): ManagerAttack => {
    const blocked = i >= maxFailures;
    return {
      name: `POST /api/workers with Basic admin and wrong password ${i + 1} (${blocked ? '429' : '401'})`,
      build: () => ({
        method: 'POST',
        path: '/api/workers',
        headers: {
          authorization: basic('admin', `wrong password ${i}`),
          'content-type': 'application/json',
          'x-forwarded-for': GUESSING_ADDRESS,
        },
        body: JSON.stringify({ count: 5 }),
      }),
      expectStatus: blocked ? 429 : 401,
      expectRetryAfter: blocked,
    };
  });
  rows.push({
    name: 'POST /api/workers with the right password from the address being refused (429)',
    build: (c) => ({
      method: 'POST',
      path: '/api/workers',
      headers: {
        authorization: basic('admin', c.password),
        'content-type': 'application/json',
        'x-forwarded-for': GUESSING_ADDRESS,
      },
      body: JSON.stringify({ count: 5 }),
    }),
    expectStatus: 429,
    expectRetryAfter: true,
  });
  return rows;
}

/** LOGIN_FORM_ATTACKS are log-ins through the form without a valid CSRF token. */
export const LOGIN_FORM_ATTACKS: ManagerAttack[] = [
  {
    name: 'POST /login with the right password and no CSRF token',
    build: async (c) => {
      const page = await c.loginPage();
      const body = form({ password: c.password, next: '/' });
      return {
        method: 'POST',
        path: '/login',
        headers: { ...body.headers, cookie: page.cookie },
        body: body.body,
      };
    },
    expectStatus: 403,
  },
  {
    name: 'POST /login with the right password and a made-up CSRF token',
    build: async (c) => {
      const page = await c.loginPage();
      const body = form({ password: c.password, _csrf: 'forged', next: '/' });
      return {
        method: 'POST',
        path: '/login',
        headers: { ...body.headers, cookie: page.cookie },
        body: body.body,
      };
    },
    expectStatus: 403,
  },
  {
    name: "POST /login from evil.example with another session's CSRF token (no cookie)",
    build: async (c) => {
      const page = await c.loginPage();
      const body = form({ password: c.password, _csrf: page.csrf, next: '/' });
      return {
        method: 'POST',
        path: '/login',
        headers: { ...body.headers, origin: 'https://evil.example' },
        body: body.body,
      };
    },
    expectStatus: 403,
  },
];

/** The manager's state-changing page forms (a logged-in session, no CSRF token sent). */
const PAGE_FORMS: { path: (c: ManagerAttackContext) => string; fields: Record<string, string> }[] =
  [
    { path: () => '/workers/grow', fields: { count: '5' } },
    { path: () => '/workers/shrink', fields: { count: '1' } },
    { path: (c) => `/workers/${c.workerId}/destroy`, fields: {} },
    { path: () => '/autoscale', fields: { growThreshold: '1', maxWorkers: '10' } },
    { path: () => '/autoscale/enable', fields: {} },
    { path: () => '/autoscale/disable', fields: {} },
    { path: () => '/delete', fields: { confirm: 'yes' } },
    { path: () => '/stopping', fields: {} },
    { path: () => '/tokens', fields: { name: 'attacker' } },
  ];

/**
 * PAGE_FORM_ATTACKS post every state-changing form of the manager's pages with a logged-in
 * session cookie (a browser sends it along with a forged form) and no CSRF token: 403.
 */
export const PAGE_FORM_ATTACKS: ManagerAttack[] = PAGE_FORMS.map((page) => ({
  name: `POST ${page.path({ workerId: '<id>' } as ManagerAttackContext)} with a logged-in session and no CSRF token`,
  build: (c) => {
    const body = form(page.fields);
    return {
      method: 'POST',
      path: page.path(c),
      headers: { ...body.headers, cookie: c.sessionCookie },
      body: body.body,
    };
  },
  expectStatus: 403,
}));
