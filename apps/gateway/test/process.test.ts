import { INestMicroservice } from '@nestjs/common';
import { dropDatabase } from '@app/database';
import {
  freePort,
  testAmqpUrl,
  testDatabaseUrl,
  testMessagingConfig,
  uniqueName,
  waitFor,
} from '@app/testing';
import { ChildProcess, spawn } from 'child_process';
import { join } from 'path';
import request from 'supertest';
import { repositoryRoot } from '../src/pages/assets';
import { deleteNamespace } from './support/broker-cleanup';
import {
  FakeFleet,
  SHUTDOWN_CALLS,
  startFakeFleet,
  startFakeScaler,
} from './support/fake-services';

/**
 * The gateway as the operator runs it: its own process (main.ts under runMain), no
 * MANAGER_PASSWORD. It prints a generated password once, and "Stopping" ends the process with
 * exit code 0 after the answer has been sent.
 */
describe('gateway process', () => {
  const namespace = uniqueName('gw');
  const messaging = testMessagingConfig(namespace);
  const databaseUrl = testDatabaseUrl('ebbflow_gateway');
  const root = repositoryRoot();
  let fleetApp: INestMicroservice;
  let fleet: FakeFleet;
  let scalerApp: INestMicroservice;
  let child: ChildProcess | undefined;
  let output = '';
  let exitCode: number | null | undefined;

  beforeAll(async () => {
    ({ app: fleetApp, fleet } = await startFakeFleet(messaging));
    ({ app: scalerApp } = await startFakeScaler(messaging));
  });

  afterAll(async () => {
    if (child && exitCode === undefined) child.kill('SIGKILL');
    await fleetApp?.close();
    await scalerApp?.close();
    await dropDatabase(databaseUrl);
    await deleteNamespace(namespace);
  });

  it('should print a generated password once, serve it, and exit 0 after "Stopping"', async () => {
    fleet.seed(2);
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      NO_COLOR: '1',
      AMQP_URL: testAmqpUrl,
      AMQP_NAMESPACE: namespace,
      DATABASE_URL: databaseUrl,
      GATEWAY_PORT: String(port),
      GATEWAY_HOST: '127.0.0.1',
      SHUTDOWN_POLL_MS: '100',
      HEALTH_PING_TIMEOUT_MS: '500',
      TS_NODE_TRANSPILE_ONLY: 'true',
      TS_NODE_PROJECT: join(root, 'tsconfig.json'),
    };
    child = spawn(
      process.execPath,
      [
        '-r',
        'ts-node/register',
        '-r',
        'tsconfig-paths/register',
        join(root, 'apps/gateway/src/main.ts'),
      ],
      { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('exit', (code) => (exitCode = code));

    const line = await waitFor(() => /generated password: ([A-Za-z0-9_-]+)/.exec(output), {
      timeoutMs: 60000,
      what: 'the generated password',
    });
    const password = line[1];
    const url = `http://127.0.0.1:${port}`;
    await waitFor(
      () =>
        request(url)
          .get('/health')
          .then((r) => r.status === 503 || r.status === 200),
      {
        timeoutMs: 30000,
        what: 'the gateway to listen',
      },
    );
    await request(url).get('/api/workers').auth('admin', 'not-it').expect(401);
    await request(url).get('/api/workers').auth('admin', password).expect(200);

    const res = await request(url).post('/api/shutdown').auth('admin', password).expect(200);
    expect(res.body.workersTerminated).toHaveLength(2);
    await waitFor(() => exitCode !== undefined, {
      timeoutMs: 30000,
      what: 'the gateway process to exit',
    });
    expect(exitCode).toBe(0);
    expect(output.match(/generated password/g)).toHaveLength(1);
    expect(SHUTDOWN_CALLS).toEqual(expect.arrayContaining(['fleet', 'scaler']));
  });
});
