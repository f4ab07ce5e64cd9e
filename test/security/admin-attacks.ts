import { RawRequest } from './raw-http';

/** AdminAttackContext is what the balancer admin API rows are built from. */
export interface AdminAttackContext {
  /** BALANCER_ADMIN_TOKEN of the stack. */
  token: string;
  /** The admin API's port (its own Host header is `127.0.0.1:<port>`). */
  port: number;
  /** A target the balancer serves (the pool's worker). */
  targetId: string;
}

/** AdminAttack is one call to the balancer's admin API and the status it must get. */
export interface AdminAttack {
  name: string;
  build(context: AdminAttackContext): RawRequest;
  expectStatus: number;
}

/** The calls that read or change routing: list, read one, hijack, register a new one, drain. */
const OPERATIONS: {
  name: string;
  method: string;
  path: (c: AdminAttackContext) => string;
  body?: string;
}[] = [
  { name: 'GET /targets', method: 'GET', path: () => '/targets' },
  { name: 'GET /targets/<id>', method: 'GET', path: (c) => `/targets/${c.targetId}` },
  {
    name: "PUT /targets/<id> (the worker's traffic to the attacker)",
    method: 'PUT',
    path: (c) => `/targets/${c.targetId}`,
    body: JSON.stringify({ address: '127.0.0.1:9' }),
  },
  {
    name: 'PUT /targets/<new id> (a target of the attacker)',
    method: 'PUT',
    path: () => '/targets/i-0000000000evil0',
    body: JSON.stringify({ address: '127.0.0.1:9' }),
  },
  { name: 'DELETE /targets/<id>', method: 'DELETE', path: (c) => `/targets/${c.targetId}` },
  { name: 'GET /health', method: 'GET', path: () => '/health' },
];

/** How the caller authenticates (or not), and the status that gets. */
const CREDENTIALS: {
  name: string;
  headers: (c: AdminAttackContext) => Record<string, string>;
  expectStatus: number;
}[] = [
  { name: 'without a token', headers: () => ({}), expectStatus: 401 },
  {
    name: 'with a wrong token',
    headers: (c) => ({ authorization: `Bearer ${c.token.slice(0, -1)}x` }),
    expectStatus: 401,
  },
  {
    name: 'with the token in another scheme (Basic)',
    headers: (c) => ({ authorization: `Basic ${c.token}` }),
    expectStatus: 401,
  },
  {
    name: 'with a prefix of the token',
    headers: (c) => ({ authorization: `Bearer ${c.token.slice(0, 8)}` }),
    expectStatus: 401,
  },
  {
    name: 'with the token and more after it',
    headers: (c) => ({ authorization: `Bearer ${c.token}x` }),
    expectStatus: 401,
  },
  {
    name: 'with the right token and a foreign Host (DNS rebinding)',
    headers: (c) => ({ authorization: `Bearer ${c.token}`, host: `evil.example:${c.port}` }),
    expectStatus: 403,
  },
  {
    name: 'with the right token and Host 127.0.0.1 on another port',
    headers: (c) => ({ authorization: `Bearer ${c.token}`, host: '127.0.0.1:1' }),
    expectStatus: 403,
  },
];

/**
 * ADMIN_ATTACKS are every routing call of the balancer's admin API with each missing or wrong
 * credential (401), or the right token behind a foreign Host (403); then, with the right token,
 * bodies that must not register anything (400).
 */
export const ADMIN_ATTACKS: AdminAttack[] = [
  ...OPERATIONS.flatMap((op) =>
    CREDENTIALS.map((cred): AdminAttack => ({
      name: `${op.name} ${cred.name}`,
      build: (c) => ({
        method: op.method,
        path: op.path(c),
        headers: {
          ...(op.body ? { 'content-type': 'application/json' } : {}),
          ...cred.headers(c),
        },
        body: op.body,
      }),
      expectStatus: cred.expectStatus,
    })),
  ),
  ...[
    ['a __proto__ field', '{"address": "127.0.0.1:9", "__proto__": {"admin": true}}'],
    ['an unknown field', '{"address": "127.0.0.1:9", "weight": 100}'],
    ['an address that is a URL', '{"address": "http://evil.example/"}'],
    ['malformed JSON', '{"address": '],
  ].map(([name, body]): AdminAttack => ({
    name: `PUT /targets/<id> with the right token and ${name}`,
    build: (c) => ({
      method: 'PUT',
      path: `/targets/${c.targetId}`,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${c.token}` },
      body,
    }),
    expectStatus: 400,
  })),
  {
    name: 'PUT /targets/<malformed id> with the right token',
    build: (c) => ({
      method: 'PUT',
      path: '/targets/..%2F..%2Fetc',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${c.token}` },
      body: JSON.stringify({ address: '127.0.0.1:9' }),
    }),
    expectStatus: 400,
  },
];
