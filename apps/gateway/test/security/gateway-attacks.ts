import { ORIGINAL_POLICY } from '@app/contracts';
import { IncomingHttpHeaders, request as httpRequest } from 'http';

/**
 * Attack tables against the manager (apps/gateway), as data so a whole-stack security suite can
 * replay them. Each row is one request and the status it must get. Placeholders, filled in by
 * the runner (see fillAttack):
 * - `{own}`: the manager's own origin as the client reaches it (`http://127.0.0.1:<port>`);
 * - `{ownOtherScheme}`: the same host and port on the other scheme (another origin);
 * - `{workerId}`: a worker the fleet lists (so a refused DELETE is not merely a 404);
 * - `{unknownWorkerId}`: a well-formed id the fleet does not list.
 * Unless `anonymous`, the runner sends valid credentials (`Authorization: Basic admin:<password>`):
 * what is refused is refused for what the request is, not for lacking a login.
 */
export interface GatewayAttack {
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  headers: Record<string, string>;
  /** The raw body (a string is sent as is; undefined sends none). */
  body?: string | Buffer;
  expectStatus: number;
  /** The `error` code of the JSON answer, when the answer is JSON. */
  expectError?: string;
  /** The field a 400 must name. */
  expectField?: string;
  /** Send no credentials. */
  anonymous?: boolean;
}

/** STATE_CHANGING_ROUTES are every POST/PUT/PATCH/DELETE route under /api, from the controllers. */
export const STATE_CHANGING_ROUTES: {
  method: GatewayAttack['method'];
  path: string;
  /** A valid JSON body for the route (undefined: the route takes none). */
  json?: string;
}[] = [
  { method: 'POST', path: '/api/workers', json: JSON.stringify({ count: 1 }) },
  { method: 'DELETE', path: '/api/workers/{workerId}' },
  { method: 'PUT', path: '/api/policy', json: JSON.stringify(ORIGINAL_POLICY) },
  { method: 'POST', path: '/api/clear' },
  { method: 'POST', path: '/api/shutdown' },
];

const EVIL = 'https://evil.example';
const FORM_BODY = 'count=5&growThreshold=1';
const MULTIPART_BOUNDARY = 'ebbflowattack';
const MULTIPART_BODY =
  `--${MULTIPART_BOUNDARY}\r\nContent-Disposition: form-data; name="count"\r\n\r\n5\r\n` +
  `--${MULTIPART_BOUNDARY}--\r\n`;

/** Browser-like headers of a navigation or fetch from another site. */
const browser = (site: string, origin?: string): Record<string, string> => ({
  'Sec-Fetch-Site': site,
  'Sec-Fetch-Mode': 'navigate',
  'Sec-Fetch-Dest': 'document',
  Accept: 'text/html',
  ...(origin !== undefined ? { Origin: origin } : {}),
});

/** crossSiteVariants are the forged requests tried on each state-changing route. */
function crossSiteVariants(json: string | undefined): Omit<GatewayAttack, 'method' | 'path'>[] {
  const body = json ?? '{}';
  return [
    {
      name: 'JSON from Origin evil',
      headers: { Origin: EVIL, 'Content-Type': 'application/json' },
      body,
      expectStatus: 403,
      expectError: 'cross-site',
    },
    {
      name: 'JSON from Origin null (sandboxed iframe)',
      headers: { Origin: 'null', 'Content-Type': 'application/json' },
      body,
      expectStatus: 403,
      expectError: 'cross-site',
    },
    {
      name: 'JSON from the own host on another port',
      headers: { Origin: 'http://127.0.0.1:1', 'Content-Type': 'application/json' },
      body,
      expectStatus: 403,
      expectError: 'cross-site',
    },
    {
      name: 'JSON from the own host over https (another origin)',
      headers: { Origin: '{ownOtherScheme}', 'Content-Type': 'application/json' },
      body,
      expectStatus: 403,
      expectError: 'cross-site',
    },
    {
      name: 'JSON with Sec-Fetch-Site cross-site and no Origin',
      headers: { ...browser('cross-site'), 'Content-Type': 'application/json' },
      body,
      expectStatus: 403,
      expectError: 'cross-site',
    },
    {
      name: 'JSON with Sec-Fetch-Site same-site (a sibling subdomain)',
      headers: { ...browser('same-site'), 'Content-Type': 'application/json' },
      body,
      expectStatus: 403,
      expectError: 'cross-site',
    },
    {
      name: 'form post (urlencoded) from Origin evil',
      headers: {
        ...browser('cross-site', EVIL),
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: FORM_BODY,
      expectStatus: 403,
      expectError: 'cross-site',
    },
    {
      name: 'form post with no fields (urlencoded, empty body) from Origin evil',
      headers: {
        ...browser('cross-site', EVIL),
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      expectStatus: 403,
      expectError: 'cross-site',
    },
    {
      name: 'form post (text/plain carrying JSON) from Origin evil',
      headers: { ...browser('cross-site', EVIL), 'Content-Type': 'text/plain' },
      body,
      expectStatus: 403,
      expectError: 'cross-site',
    },
    {
      name: 'form post (multipart) from Origin evil',
      headers: {
        ...browser('cross-site', EVIL),
        'Content-Type': `multipart/form-data; boundary=${MULTIPART_BOUNDARY}`,
      },
      body: MULTIPART_BODY,
      expectStatus: 403,
      expectError: 'cross-site',
    },
    {
      name: 'text/plain JSON without Origin (a browser that hides it, or a careless script)',
      headers: { 'Content-Type': 'text/plain' },
      body,
      expectStatus: 415,
      expectError: 'unsupported-media-type',
    },
    {
      name: 'urlencoded body without Origin',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: FORM_BODY,
      expectStatus: 415,
      expectError: 'unsupported-media-type',
    },
    {
      name: 'multipart body without Origin',
      headers: { 'Content-Type': `multipart/form-data; boundary=${MULTIPART_BOUNDARY}` },
      body: MULTIPART_BODY,
      expectStatus: 415,
      expectError: 'unsupported-media-type',
    },
    {
      name: 'text/plain from the own origin (a form on a page of this manager)',
      headers: { ...browser('same-origin', '{own}'), 'Content-Type': 'text/plain' },
      body,
      expectStatus: 415,
      expectError: 'unsupported-media-type',
    },
    {
      name: 'body-less urlencoded post from the own origin',
      headers: {
        ...browser('same-origin', '{own}'),
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      expectStatus: 415,
      expectError: 'unsupported-media-type',
    },
    {
      name: 'body-less browser post without a Content-Type (Sec-Fetch-Site same-origin)',
      headers: browser('same-origin'),
      expectStatus: 415,
      expectError: 'unsupported-media-type',
    },
  ];
}

/**
 * CROSS_SITE_ATTACKS are forged browser requests on every state-changing API route: each must
 * be refused (403 cross-site, 415 wrong content type) and change nothing.
 */
export const CROSS_SITE_ATTACKS: GatewayAttack[] = STATE_CHANGING_ROUTES.flatMap((route) =>
  crossSiteVariants(route.json).map((variant) => ({
    ...variant,
    name: `${route.method} ${route.path}: ${variant.name}`,
    method: route.method,
    path: route.path,
  })),
);

const JSON_HEADERS = { 'Content-Type': 'application/json' };

/** grow is a bad `POST /api/workers` body. */
const grow = (
  name: string,
  body: string,
  expectStatus = 400,
  expectField?: string,
  headers: Record<string, string> = JSON_HEADERS,
): GatewayAttack => ({
  name: `POST /api/workers ${name}`,
  method: 'POST',
  path: '/api/workers',
  headers,
  body,
  expectStatus,
  expectError: expectStatus === 400 ? 'invalid' : undefined,
  expectField,
});

/** policy is a bad `PUT /api/policy` body. */
const policy = (
  name: string,
  body: string,
  expectStatus = 400,
  expectField?: string,
): GatewayAttack => ({
  name: `PUT /api/policy ${name}`,
  method: 'PUT',
  path: '/api/policy',
  headers: JSON_HEADERS,
  body,
  expectStatus,
  expectError: expectStatus === 400 ? 'invalid' : undefined,
  expectField,
});

/** metrics is a bad metrics query. */
const metrics = (name: string, query: string, expectStatus = 400): GatewayAttack => ({
  name: `GET metrics ${name}`,
  method: 'GET',
  path: `/api/workers/{workerId}/metrics?${query}`,
  headers: {},
  expectStatus,
  expectError: expectStatus === 400 ? 'invalid' : undefined,
  expectField: expectStatus === 400 ? 'minutes' : undefined,
});

/** OVERSIZED_JSON is a syntactically valid JSON object just over the 100 kB body limit. */
export const OVERSIZED_JSON = JSON.stringify({ count: 1, padding: 'x'.repeat(110 * 1024) });

/**
 * BAD_BODY_ATTACKS are API calls with valid credentials and a body or query that is wrong: each
 * gets a clear 4xx (413 too large, 415 wrong encoding, 400 naming the field, 404) and changes
 * nothing.
 */
export const BAD_BODY_ATTACKS: GatewayAttack[] = [
  grow('{"count": null}', '{"count": null}', 400, 'count'),
  grow('a fractional count', '{"count": 1.5}', 400, 'count'),
  grow('a zero count', '{"count": 0}', 400, 'count'),
  grow('a negative count', '{"count": -3}', 400, 'count'),
  grow('a count above the manual maximum', '{"count": 21}', 400, 'count'),
  grow('a count above the pool hard maximum', '{"count": 51}', 400, 'count'),
  grow('a huge count', '{"count": 1e300}', 400, 'count'),
  grow('a string count', '{"count": "2"}', 400, 'count'),
  grow('a boolean count', '{"count": true}', 400, 'count'),
  grow('an array count', '{"count": [2]}', 400, 'count'),
  grow('an object count', '{"count": {"$gt": 0}}', 400, 'count'),
  grow('an unknown field', '{"count": 1, "force": true}', 400, 'force'),
  grow('only an unknown field', '{"size": 5}', 400, 'size'),
  grow('a __proto__ field', '{"__proto__": {"count": 5}}', 400, '__proto__'),
  grow('a constructor field', '{"constructor": {"prototype": {}}}', 400, 'constructor'),
  policy(
    'a __proto__ field',
    JSON.stringify(ORIGINAL_POLICY).replace('{', '{"__proto__": {"x": 1},'),
    400,
    '__proto__',
  ),
  grow('a JSON array', '[{"count": 2}]', 400, 'payload'),
  grow('malformed JSON', '{"count": ', 400),
  grow('JSON null', 'null', 400),
  grow('a JSON string', '"5"', 400),
  grow('a JSON number', '5', 400),
  grow('over 100 kB', OVERSIZED_JSON, 413),
  grow('in latin1', '{"count": 1}', 415, undefined, {
    'Content-Type': 'application/json; charset=latin1',
  }),
  grow('with an unknown Content-Encoding', '{"count": 1}', 415, undefined, {
    'Content-Type': 'application/json',
    'Content-Encoding': 'compress',
  }),
  policy(
    'over 100 kB',
    JSON.stringify({ ...ORIGINAL_POLICY, padding: 'x'.repeat(110 * 1024) }),
    413,
  ),
  policy('malformed JSON', '{"growThreshold": 20,', 400),
  policy(
    'a null field',
    JSON.stringify({ ...ORIGINAL_POLICY, minWorkers: null }),
    400,
    'minWorkers',
  ),
  policy(
    'a string number',
    JSON.stringify({ ...ORIGINAL_POLICY, growThreshold: '20' }),
    400,
    'growThreshold',
  ),
  policy(
    'an unknown field',
    JSON.stringify({ ...ORIGINAL_POLICY, cooldownS: 5 }),
    400,
    'cooldownS',
  ),
  policy(
    'max above the pool hard maximum',
    JSON.stringify({ ...ORIGINAL_POLICY, maxWorkers: 51 }),
    400,
    'maxWorkers',
  ),
  policy('a JSON array', '[]', 400, 'payload'),
  policy('an empty object', '{}', 400, 'growThreshold'),
  metrics('minutes=0', 'minutes=0'),
  metrics('minutes=-5', 'minutes=-5'),
  metrics('minutes=abc', 'minutes=abc'),
  metrics('minutes=1.5', 'minutes=1.5'),
  metrics('minutes=1e1', 'minutes=1e1'),
  metrics('minutes=0x10', 'minutes=0x10'),
  metrics('minutes above a day', 'minutes=1441'),
  metrics('minutes twice', 'minutes=1&minutes=2'),
  {
    name: 'GET metrics of a worker the fleet does not list',
    method: 'GET',
    path: '/api/workers/{unknownWorkerId}/metrics',
    headers: {},
    expectStatus: 404,
    expectError: 'not-found',
  },
  {
    name: 'DELETE a malformed worker id',
    method: 'DELETE',
    path: '/api/workers/not-a-worker',
    headers: {},
    expectStatus: 400,
    expectError: 'invalid',
    expectField: 'id',
  },
  {
    name: 'DELETE a worker the fleet does not list',
    method: 'DELETE',
    path: '/api/workers/{unknownWorkerId}',
    headers: {},
    expectStatus: 404,
    expectError: 'not-found',
  },
];

/** AUTH_ATTACKS are calls with missing or wrong credentials: 401 JSON, never a Basic challenge. */
export const AUTH_ATTACKS: GatewayAttack[] = [
  ...STATE_CHANGING_ROUTES.map((route): GatewayAttack => ({
    name: `${route.method} ${route.path} without credentials`,
    method: route.method,
    path: route.path,
    headers: route.json ? JSON_HEADERS : {},
    body: route.json,
    expectStatus: 401,
    expectError: 'unauthorized',
    anonymous: true,
  })),
  {
    name: 'GET /api/workers as a browser without credentials',
    method: 'GET',
    path: '/api/workers',
    headers: browser('none'),
    expectStatus: 401,
    expectError: 'unauthorized',
    anonymous: true,
  },
  {
    name: 'GET /api/policy with Basic credentials of another user',
    method: 'GET',
    path: '/api/policy',
    headers: { Authorization: `Basic ${Buffer.from('root:x').toString('base64')}` },
    expectStatus: 401,
    expectError: 'unauthorized',
    anonymous: true,
  },
  {
    name: 'GET /api/policy with a Bearer token that is no token',
    method: 'GET',
    path: '/api/policy',
    headers: { Authorization: 'Bearer not-a-token' },
    expectStatus: 401,
    expectError: 'unauthorized',
    anonymous: true,
  },
];

/**
 * POLICY_FORM_BAD_NUMBERS are texts the "Auto Scale" form must refuse in a numeric field (a
 * session and its CSRF token are needed: not rows of the tables above). Number() took them all.
 */
export const POLICY_FORM_BAD_NUMBERS = ['0x10', '1e1', ' 5 ', 'Infinity', '', '+5', '5.', '1_0'];

/** GATEWAY_ATTACKS are every row above, for a suite that replays them all. */
export const GATEWAY_ATTACKS: GatewayAttack[] = [
  ...CROSS_SITE_ATTACKS,
  ...AUTH_ATTACKS,
  ...BAD_BODY_ATTACKS,
];

/** AttackContext fills the placeholders of a table row. */
export interface AttackContext {
  own: string;
  workerId: string;
  unknownWorkerId: string;
}

/** fillAttack replaces the placeholders of a row's path and headers. */
export function fillAttack(attack: GatewayAttack, context: AttackContext): GatewayAttack {
  const otherScheme = context.own.startsWith('https:')
    ? context.own.replace(/^https:/, 'http:')
    : context.own.replace(/^http:/, 'https:');
  const fill = (text: string) =>
    text
      .replaceAll('{ownOtherScheme}', otherScheme)
      .replaceAll('{own}', context.own)
      .replaceAll('{workerId}', context.workerId)
      .replaceAll('{unknownWorkerId}', context.unknownWorkerId);
  return {
    ...attack,
    path: fill(attack.path),
    headers: Object.fromEntries(Object.entries(attack.headers).map(([k, v]) => [k, fill(v)])),
  };
}

/** AttackAnswer is what the manager answered to one attack. */
export interface AttackAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** The parsed body when it is JSON. */
  json?: Record<string, unknown>;
}

/**
 * sendAttack sends one (filled) row exactly as written with node:http — no client library
 * adding a Content-Type of its own — with `authorization` unless the row is anonymous. A
 * body-less row is sent with `Content-Length: 0`, as browsers do.
 */
export function sendAttack(
  baseUrl: string,
  attack: GatewayAttack,
  authorization: string,
): Promise<AttackAnswer> {
  const url = new URL(attack.path, baseUrl);
  const body = attack.body === undefined ? Buffer.alloc(0) : Buffer.from(attack.body);
  const headers: Record<string, string> = {
    ...(attack.anonymous ? {} : { Authorization: authorization }),
    ...attack.headers,
  };
  if (attack.method !== 'GET') headers['Content-Length'] = String(body.length);
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: attack.method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: Record<string, unknown> | undefined;
        if (String(res.headers['content-type']).startsWith('application/json')) {
          json = JSON.parse(text) as Record<string, unknown>;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    req.end(attack.method === 'GET' ? undefined : body);
  });
}
