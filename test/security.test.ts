import { S3Client } from '@aws-sdk/client-s3';
import { ORIGINAL_POLICY } from '@app/contracts';
import { waitFor } from '@app/testing';
import amqp from 'amqplib';
import { execFile } from 'child_process';
import { randomBytes } from 'crypto';
import { existsSync } from 'fs';
import { createConnection, Connection } from 'mysql2/promise';
import path from 'path';
import { isDeepStrictEqual, promisify } from 'util';
import {
  AttackContext,
  fillAttack,
  GATEWAY_ATTACKS,
  sendAttack,
} from '../apps/gateway/test/security/gateway-attacks';
import { pngImage } from '../apps/worker/test/support/http';
import { ADMIN_ATTACKS, AdminAttackContext } from './security/admin-attacks';
import { AppAttackContext, appAttacks } from './security/app-attacks';
import { BUS_ATTACKS, BusAttackContext, runBusAttack } from './security/bus-attacks';
import {
  LOGIN_FORM_ATTACKS,
  ManagerAttack,
  ManagerAttackContext,
  PAGE_FORM_ATTACKS,
  wrongPasswordAttacks,
} from './security/manager-attacks';
import { RawAnswer, RawRequest, sendRaw } from './security/raw-http';
import { S3_KEY_ATTACKS } from './security/s3-key-attacks';
import { runS3Attack, S3_ATTACK_CASES, S3AttackTarget } from './security/s3-attacks';
import { StackState, stackState } from './security/stack-state';
import { Tally } from './security/tally';
import { repositoryRoot, StackProcess, startStackProcess } from './support/stack-process';

const rabbitmqctl = async (...args: string[]) =>
  (await promisify(execFile)('rabbitmqctl', ['-q', ...args])).stdout;

/** The limits the rows count on (the documented defaults, set explicitly). */
const LOGIN_MAX_FAILURES = 5;
const WORKER_LOGIN_MAX_FAILURES = 10;
const UPLOAD_MAX_BYTES = 100_000;
const BUCKET = 'ebbflow-images';

/**
 * The whole stack as `npm start` runs it (gateway, services, worker processes, balancer, local
 * S3, RabbitMQ, MySQL) under attack (issue #10): over 150 bad inputs and attacks on the manager,
 * the app, the local S3 server, the balancer's admin API and the bus. Each must get its
 * documented 4xx (or be refused by the broker) and leave the users and images rows, the bucket's
 * objects, the stored policy, the pool and the balancer's targets exactly as they were. The
 * counts are printed at the end and written to test-output/security-summary.json.
 */
describe('security suite (issue #10): the whole stack under attack', () => {
  const tally = new Tally();
  const vhost = `ebbflow-security-${randomBytes(4).toString('hex')}`;
  const brokerUser = `ebbflow-security-${randomBytes(4).toString('hex')}`;
  const brokerPassword = randomBytes(16).toString('hex');
  const namespace = `security-${randomBytes(4).toString('hex')}`;
  const adminToken = randomBytes(24).toString('base64url');
  const s3Keys = {
    accessKeyId: `EBBSEC${randomBytes(7).toString('hex').toUpperCase()}`,
    secretAccessKey: randomBytes(30).toString('base64url'),
  };
  let stack: StackProcess;
  let db: Connection;
  let s3: S3Client;
  let baseline: StackState;
  let workerId: string;
  let gatewayUrl: string;
  let balancerUrl: string;
  let appContext: AppAttackContext;
  let managerContext: ManagerAttackContext;
  let s3Target: S3AttackTarget;

  const state = () =>
    stackState({
      db,
      s3,
      bucket: BUCKET,
      managerGet: async <T>(p: string) => {
        const { status, body } = await stack.api<T>('GET', p);
        if (status !== 200) throw new Error(`GET ${p}: ${status}`);
        return body;
      },
      balancerTargets: async () => {
        const res = await fetch(`http://127.0.0.1:${stack.ports.admin}/targets`, {
          headers: { authorization: `Bearer ${adminToken}` },
        });
        if (res.status !== 200) throw new Error(`GET /targets: ${res.status}`);
        return (await res.json()) as { id: string; address: string }[];
      },
    });

  /**
   * attack runs one case and records it: `attempt` says whether it was refused as documented;
   * then the stack's state must equal the baseline. A case that changed something becomes the
   * new baseline, so that the next case is judged on its own.
   */
  async function attack(
    group: string,
    name: string,
    attempt: () => Promise<{ refused: boolean; detail: string }>,
  ): Promise<void> {
    let outcome: { refused: boolean; detail: string };
    try {
      outcome = await attempt();
    } catch (error) {
      outcome = { refused: false, detail: `threw: ${(error as Error).message}` };
    }
    let detail = outcome.refused ? '' : outcome.detail;
    let unchanged = false;
    try {
      const after = await state();
      unchanged = isDeepStrictEqual(after, baseline);
      if (!unchanged) {
        detail += ` changed: ${JSON.stringify(baseline)} -> ${JSON.stringify(after)}`;
        baseline = after;
      }
    } catch (error) {
      // The stack no longer answers its own state: the attack is a failure, counted as one.
      detail += ` state unreadable: ${(error as Error).message}`;
    }
    tally.record({ group, name, refused: outcome.refused, unchanged, detail: detail.trim() });
    expect({ name, refused: outcome.refused, unchanged, detail: detail.trim() }).toEqual({
      name,
      refused: true,
      unchanged: true,
      detail: '',
    });
  }

  /** statusCheck compares an HTTP answer with the expected status (and Retry-After, Location). */
  function statusCheck(
    answer: RawAnswer,
    expected: {
      expectStatus: number;
      expectRetryAfter?: boolean;
      expectLocation?: RegExp;
      mustNotContain?: string[];
    },
  ): { refused: boolean; detail: string } {
    const problems: string[] = [];
    if (answer.status !== expected.expectStatus) {
      problems.push(`status ${answer.status}, expected ${expected.expectStatus}`);
    }
    if (expected.expectRetryAfter && !/^\d+$/.test(String(answer.headers['retry-after']))) {
      problems.push(`no Retry-After (${String(answer.headers['retry-after'])})`);
    }
    if (expected.expectLocation && !expected.expectLocation.test(answer.headers.location ?? '')) {
      problems.push(`Location ${answer.headers.location}`);
    }
    for (const text of expected.mustNotContain ?? []) {
      if (answer.text.includes(text)) problems.push(`the answer contains ${JSON.stringify(text)}`);
    }
    return {
      refused: problems.length === 0,
      detail: `${problems.join('; ')}: ${answer.text.slice(0, 300)}`,
    };
  }

  /** loginPage fetches a log-in page: its session cookie and CSRF token. */
  async function loginPage(base: string): Promise<{ cookie: string; csrf: string }> {
    const page = await sendRaw(base, { method: 'GET', path: '/login' });
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1];
    if (page.status !== 200 || !csrf) throw new Error(`GET /login: ${page.status} without a form`);
    return { cookie: cookieOf(page), csrf };
  }

  const cookieOf = (answer: RawAnswer) =>
    (answer.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).join('; ');

  /** logIn posts a log-in form and returns the logged-in session's cookie. */
  async function logIn(base: string, fields: Record<string, string>): Promise<string> {
    const page = await loginPage(base);
    const answer = await sendRaw(base, {
      method: 'POST',
      path: '/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: page.cookie },
      body: new URLSearchParams({ ...fields, _csrf: page.csrf }).toString(),
    });
    if (answer.status !== 303) throw new Error(`log-in failed: ${answer.status} ${answer.text}`);
    return cookieOf(answer) || page.cookie;
  }

  async function appCall(req: RawRequest): Promise<RawAnswer> {
    return sendRaw(balancerUrl, req);
  }

  beforeAll(async () => {
    // The stack's own vhost and broker user; guest gets no permission on it.
    await rabbitmqctl('add_vhost', vhost);
    await rabbitmqctl('add_user', brokerUser, brokerPassword);
    await rabbitmqctl('set_permissions', '-p', vhost, brokerUser, '.*', '.*', '.*');
    stack = await startStackProcess({
      AMQP_URL: `amqp://${brokerUser}:${brokerPassword}@127.0.0.1:5672/${vhost}`,
      AMQP_NAMESPACE: namespace,
      BALANCER_ADMIN_TOKEN: adminToken,
      S3_ACCESS_KEY_ID: s3Keys.accessKeyId,
      S3_SECRET_ACCESS_KEY: s3Keys.secretAccessKey,
      S3_BUCKET: BUCKET,
      UPLOAD_MAX_BYTES: String(UPLOAD_MAX_BYTES),
      WORKER_LOAD_ENDPOINTS: 'false',
      LOGIN_MAX_FAILURES: String(LOGIN_MAX_FAILURES),
      WORKER_LOGIN_MAX_FAILURES: String(WORKER_LOGIN_MAX_FAILURES),
      INITIAL_WORKERS: '1',
    });
    gatewayUrl = `http://127.0.0.1:${stack.ports.gateway}`;
    balancerUrl = `http://127.0.0.1:${stack.ports.balancer}`;
    await stack.healthy(90000);
    workerId = await waitFor(
      async () => {
        const { body } = await stack.api<{ workers: { id: string; health: string }[] }>(
          'GET',
          '/api/workers',
        );
        return body.workers.length === 1 && body.workers[0].health === 'healthy'
          ? body.workers[0].id
          : null;
      },
      { timeoutMs: 90000, intervalMs: 500, what: 'one healthy worker' },
    );
    await waitFor(async () => (await fetch(`${balancerUrl}/login`)).status === 200, {
      timeoutMs: 60000,
      what: 'the app through the balancer',
    });
    // A stored policy that holds the pool where it is (disabled).
    const saved = await stack.api('PUT', '/api/policy', { ...ORIGINAL_POLICY, enabled: false });
    expect(saved.status).toBe(200);

    // Two users with a picture each, and one without (the 30 wrong passwords).
    const users = {
      alice: { username: 'alice', password: 'alice password 1' },
      bob: { username: 'bob', password: 'bob password 22' },
      carol: { username: 'carol', password: 'carol password 333' },
    };
    const png = await pngImage(48, 32);
    for (const user of Object.values(users)) {
      const res = await fetch(`${balancerUrl}/api/register`, {
        method: 'POST',
        body: new URLSearchParams(user),
      });
      expect(res.status).toBe(200);
    }
    for (const user of [users.alice, users.bob]) {
      const body = new FormData();
      body.append('username', user.username);
      body.append('password', user.password);
      body.append('file', new Blob([new Uint8Array(png)]), 'picture.png');
      const res = await fetch(`${balancerUrl}/api/upload`, { method: 'POST', body });
      expect(res.status).toBe(200);
    }

    db = await createConnection(stack.databaseUrl);
    s3 = new S3Client({
      region: 'us-east-1',
      endpoint: `http://127.0.0.1:${stack.ports.s3}`,
      forcePathStyle: true,
      credentials: s3Keys,
    });
    const [pictures] = (await db.query(
      'SELECT u.username, i.userid, i.namebase, i.extension FROM images i JOIN users u USING (userid)',
    )) as unknown as [{ username: string; userid: number; namebase: string; extension: string }[]];
    const pictureOf = (name: string) => pictures.find((p) => p.username === name)!;
    const key = (p: { userid: number; namebase: string; extension: string }) =>
      `images/${p.userid}/${p.namebase}.${p.extension}`;

    appContext = {
      ...users,
      png,
      oversized: Buffer.concat([png, randomBytes(UPLOAD_MAX_BYTES + 1000)]),
      alicePicture: pictureOf('alice').namebase,
      bobCookie: await logIn(balancerUrl, users.bob),
      loginPage: () => loginPage(balancerUrl),
    };
    managerContext = {
      password: stack.password,
      workerId,
      sessionCookie: await logIn(gatewayUrl, { password: stack.password, next: '/' }),
      loginPage: () => loginPage(gatewayUrl),
    };
    s3Target = {
      endpoint: `http://127.0.0.1:${stack.ports.s3}`,
      bucket: BUCKET,
      ...s3Keys,
      victimKey: key(pictureOf('alice')),
      ownKey: key(pictureOf('bob')),
    };
    // The rows' refusals are the broker's: guest has no permission on the vhost, the stack's
    // user opens it with its own password (the same host, port and vhost the rows use).
    const permissions = await rabbitmqctl('list_permissions', '-p', vhost, '--no-table-headers');
    expect(
      permissions
        .split('\n')
        .map((line) => line.split('\t')[0])
        .filter(Boolean),
    ).toEqual([brokerUser]);
    const own = await amqp.connect({
      hostname: '127.0.0.1',
      port: 5672,
      username: brokerUser,
      password: brokerPassword,
      vhost,
    });
    await own.close();

    baseline = await state();
    expect(baseline.users.count).toBe(3);
    expect(baseline.images.count).toBe(2);
    expect(baseline.objects).toHaveLength(4);
    expect(baseline.pool).toEqual({ desired: 1, workers: [workerId] });
    expect(baseline.targets).toEqual([
      expect.stringMatching(new RegExp(`^${workerId} 127.0.0.1:\\d+$`)),
    ]);
  }, 240000);

  afterAll(async () => {
    const line = tally.line();
    process.stdout.write(`\n${line}\n`);
    tally.write(path.join(repositoryRoot, 'test-output', 'security-summary.json'));
    s3?.destroy();
    await db?.end();
    await stack?.cleanUp();
    await rabbitmqctl('delete_vhost', vhost).catch(() => undefined);
    await rabbitmqctl('delete_user', brokerUser).catch(() => undefined);
  }, 120000);

  describe('the manager (gateway): GATEWAY_ATTACKS with cached Basic credentials, forms, guessing', () => {
    const basic = () => `Basic ${Buffer.from(`admin:${stack.password}`).toString('base64')}`;

    it.each(GATEWAY_ATTACKS.map((a) => [a.name, a] as const))('%s', async (name, row) => {
      await attack('manager', name, async () => {
        const context: AttackContext = {
          own: gatewayUrl,
          workerId,
          unknownWorkerId: 'i-00000000deadbeef',
        };
        const answer = await sendAttack(gatewayUrl, fillAttack(row, context), basic());
        const problems: string[] = [];
        if (answer.status !== row.expectStatus) {
          problems.push(`status ${answer.status}, expected ${row.expectStatus}`);
        }
        if (answer.headers['www-authenticate']) problems.push('a WWW-Authenticate challenge');
        if (row.expectError && answer.json?.error !== row.expectError) {
          problems.push(`error ${String(answer.json?.error)}, expected ${row.expectError}`);
        }
        const fields = Object.keys((answer.json?.fields as object) ?? {});
        if (row.expectField && !fields.includes(row.expectField)) {
          problems.push(`fields ${fields.join(',')}, expected ${row.expectField}`);
        }
        return { refused: problems.length === 0, detail: `${problems.join('; ')}: ${answer.text}` };
      });
    });

    const extra: ManagerAttack[] = [
      ...wrongPasswordAttacks(LOGIN_MAX_FAILURES),
      ...LOGIN_FORM_ATTACKS,
      ...PAGE_FORM_ATTACKS,
    ];
    it.each(extra.map((a) => [a.name, a] as const))('%s', async (name, row) => {
      await attack('manager', name, async () =>
        statusCheck(await sendRaw(gatewayUrl, await row.build(managerContext)), row),
      );
    });
  });

  describe('the app through the balancer: log-in, upload, register, pictures, load and metrics', () => {
    const rows = appAttacks(WORKER_LOGIN_MAX_FAILURES);
    it.each(rows.map((a) => [a.name, a] as const))('%s', async (name, row) => {
      await attack('app', name, async () =>
        statusCheck(await appCall(await row.build(appContext)), row),
      );
    });
  });

  describe('the local S3 server: forged, edited and expired signatures', () => {
    it.each(S3_ATTACK_CASES.map((a) => [a.name, a] as const))('%s', async (name, row) => {
      await attack('s3', name, async () => {
        const result = await runS3Attack(row, s3Target);
        const refused = result.status === row.status && result.code === row.code;
        return {
          refused,
          detail: `${result.status} ${result.code}, expected ${row.status} ${row.code}: ${result.body.slice(0, 300)}`,
        };
      });
    });
  });

  describe('the local S3 server: keys with . or .. segments, validly signed', () => {
    it.each(S3_KEY_ATTACKS.map((a) => [a.name, a] as const))('%s', async (name, row) => {
      await attack('s3', name, async () => {
        const error = await row.send(s3, s3Target).then(
          () => undefined,
          (e: { name?: string; $metadata?: { httpStatusCode?: number } }) => e,
        );
        const status = error?.$metadata?.httpStatusCode;
        const escaped = existsSync(
          path.join(path.dirname(stack.stateDir), 'ebbflow-escape.txt._S3rver_object'),
        );
        return {
          refused: status === 400 && error?.name === 'InvalidArgument' && !escaped,
          detail: `${status} ${error?.name ?? 'accepted'}${escaped ? ', a file written out of the S3 directory' : ''}`,
        };
      });
    });
  });

  describe("the balancer's admin API: no token, wrong token, wrong scheme, foreign Host", () => {
    it.each(ADMIN_ATTACKS.map((a) => [a.name, a] as const))('%s', async (name, row) => {
      await attack('balancer-admin', name, async () => {
        const context: AdminAttackContext = {
          token: adminToken,
          port: stack.ports.admin,
          targetId: workerId,
        };
        const req = row.build(context);
        const answer = await sendRaw(`http://127.0.0.1:${stack.ports.admin}`, {
          ...req,
          headers: { host: `127.0.0.1:${stack.ports.admin}`, ...req.headers },
        });
        return statusCheck(answer, { ...row, mustNotContain: [workerId] });
      });
    });
  });

  describe("the bus: the fleet's command queue without the stack's broker credentials", () => {
    it.each(BUS_ATTACKS.map((a) => [a.name, a] as const))('%s', async (name, row) => {
      await attack('bus', name, async () => {
        const context: BusAttackContext = {
          host: '127.0.0.1',
          port: 5672,
          vhost,
          stackUser: brokerUser,
          namespace,
        };
        const result = await runBusAttack(row, context);
        return { refused: result.refused, detail: result.error };
      });
    });
  });

  it('should have tried at least 150 attacks, every one refused with no change', () => {
    const summary = tally.summary();
    expect(summary.failures).toEqual([]);
    expect(summary.tried).toBeGreaterThanOrEqual(150);
    expect(summary.refusedWithNoChange).toBe(summary.tried);
  });
});
