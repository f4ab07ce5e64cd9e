import 'reflect-metadata';
import { INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { mkdtemp, rm } from 'fs/promises';
import { tmpdir } from 'os';
import { join } from 'path';
import request from 'supertest';
import { DATABASE_UNAVAILABLE_MESSAGE, dropDatabase } from '@app/database';
import { createRmqServer, MessagingConfig, RpcErrorPassthroughFilter } from '@app/messaging';
import {
  FaultyTcpProxy,
  testAmqpUrl,
  testDatabaseUrl,
  testMessagingConfig,
  uniqueName,
  waitFor,
} from '@app/testing';
import { loadFleetConfig } from '../../fleet/src/fleet.config';
import { FleetModule } from '../../fleet/src/fleet.module';
import { createGatewayApp } from '../src/gateway.app';
import { loadGatewayConfig } from '../src/gateway.config';
import { deleteNamespace } from './support/broker-cleanup';
import { startFakeJanitor, startFakeMetrics, startFakeScaler } from './support/fake-services';
import { loggedInAgent } from './support/page-session';
import { RecordingExit, TEST_PASSWORD } from './support/stack';

/**
 * Issue #9: MySQL down on the manager. The gateway and the real fleet reach MySQL through a
 * FaultyTcpProxy (the metrics, scaler and janitor are fakes: they answer pings only); the proxy
 * refuses every connection, then lets them through again. During the outage `/health` names the
 * database with 503, `/api/workers` and the Worker List page answer 503 with a plain message
 * (no raw `connect ECONNREFUSED`); afterwards everything answers 200 again, without a restart.
 */
describe('gateway: database outage (MySQL through a refusing proxy, real fleet)', () => {
  const namespace = uniqueName('gwdb');
  const messaging: MessagingConfig = testMessagingConfig(namespace);
  const realDatabaseUrl = testDatabaseUrl('ebbflow_outage');
  let proxy: FaultyTcpProxy;
  let gateway: NestExpressApplication;
  let url: string;
  let dir: string;
  const services: INestMicroservice[] = [];

  beforeAll(async () => {
    proxy = await FaultyTcpProxy.start('127.0.0.1', Number(new URL(realDatabaseUrl).port || 3306));
    const proxied = new URL(realDatabaseUrl);
    proxied.port = String(proxy.port);
    const databaseUrl = proxied.toString();
    dir = await mkdtemp(join(tmpdir(), 'ebbflow-outage-'));

    const fleetConfig = {
      ...loadFleetConfig({
        CLOUD_PROVIDER: 'local',
        DATABASE_URL: databaseUrl,
        FLEET_STATE_DIR: join(dir, 'fleet'),
        // No worker: the pool is not what this test is about, the fleet's database is.
        INITIAL_WORKERS: '0',
        FLEET_RECONCILE_INTERVAL_MS: '500',
        BALANCER_ADMIN_URL: 'http://127.0.0.1:9',
        BALANCER_ADMIN_TIMEOUT_MS: '200',
      }),
      ...messaging,
    };
    const fleet = await NestFactory.createMicroservice(FleetModule.forRoot(fleetConfig), {
      strategy: createRmqServer('fleet', messaging, { onSystemShutdown: null }),
      logger: false,
    });
    // As apps/fleet/src/main.ts: handler errors reach the transport unchanged.
    fleet.useGlobalFilters(new RpcErrorPassthroughFilter());
    await fleet.listen();
    services.push(fleet);
    services.push((await startFakeScaler(messaging)).app);
    services.push(await startFakeMetrics(messaging));
    services.push(await startFakeJanitor(messaging));

    const config = loadGatewayConfig({
      AMQP_URL: testAmqpUrl,
      AMQP_NAMESPACE: namespace,
      QUERY_TIMEOUT_MS: '3000',
      DATABASE_URL: databaseUrl,
      MANAGER_PASSWORD: TEST_PASSWORD,
      HEALTH_PING_TIMEOUT_MS: '1000',
    });
    gateway = await createGatewayApp(config, { exit: new RecordingExit(), logger: false });
    await gateway.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(gateway.getHttpServer().address() as { port: number }).port}`;
  });

  afterAll(async () => {
    await gateway?.close().catch(() => undefined);
    for (const app of services.reverse()) await app.close().catch(() => undefined);
    await proxy?.close();
    await dropDatabase(realDatabaseUrl).catch(() => undefined);
    await deleteNamespace(namespace).catch(() => undefined);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const api = (path: string) =>
    request(url)
      .get(path)
      .auth('admin', TEST_PASSWORD)
      .then((res) => res);

  it('should answer 503 with a plain message while MySQL is unreachable, and 200 again once it is back', async () => {
    const { agent } = await loggedInAgent(url);
    const healthy = await request(url).get('/health').expect(200);
    expect(healthy.body).toMatchObject({ status: 'ok', database: 'up' });
    await agent.get('/workers').expect(200);
    expect((await api('/api/workers')).status).toBe(200);

    proxy.setMode('refuse');

    const health = await request(url).get('/health');
    expect(health.status).toBe(503);
    expect(health.body).toEqual({
      status: 'degraded',
      broker: 'up',
      database: 'down',
      services: { fleet: 'up', metrics: 'up', scaler: 'up', janitor: 'up' },
    });

    const workers = await api('/api/workers');
    expect(workers.status).toBe(503);
    expect(workers.body).toEqual({
      error: 'database-unavailable',
      message: DATABASE_UNAVAILABLE_MESSAGE,
    });

    const page = await agent.get('/workers');
    expect(page.status).toBe(503);
    expect(page.text).toContain(DATABASE_UNAVAILABLE_MESSAGE);
    expect(page.text).not.toMatch(/ECONN|PROTOCOL_|Connection lost|at .*\.js/);

    proxy.setMode('pass');

    // The pools reconnect by themselves: no restart, the same login still works.
    await waitFor(async () => (await request(url).get('/health')).status === 200, {
      timeoutMs: 30000,
      intervalMs: 500,
      what: '/health 200 again',
    });
    expect((await request(url).get('/health')).body).toMatchObject({ database: 'up' });
    await waitFor(async () => (await api('/api/workers')).status === 200, {
      timeoutMs: 30000,
      intervalMs: 500,
      what: '/api/workers 200 again',
    });
    const again = await agent.get('/workers');
    expect(again.status).toBe(200);
    expect(again.text).toContain('Worker List');
  });
});
