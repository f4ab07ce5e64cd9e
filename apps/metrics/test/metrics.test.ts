import { Controller, INestMicroservice, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessagePattern } from '@nestjs/microservices';
import { ChildProcess, spawn } from 'child_process';
import { once } from 'events';
import { join } from 'path';
import {
  FLEET_LIST,
  FLEET_SNAPSHOT,
  FleetListReply,
  HistoryReply,
  METRICS_HISTORY,
  METRICS_SAMPLE,
  MetricSample,
  WorkerView,
} from '@app/contracts';
import { dropDatabase } from '@app/database';
import { createRmqServer, MessageBus } from '@app/messaging';
import { freePort, testDatabaseUrl, testMessagingConfig, waitFor } from '@app/testing';
import { createMetricsApp } from '../src/metrics.app';
import { HistoryService } from '../src/history/history.service';
import { loadMetricsConfig } from '../src/metrics.config';
import { deleteNamespace, EventProbe } from './support/amqp-probe';

/** The fleet's answer to FLEET_LIST in the test that has no snapshot. */
let fleetWorkers: WorkerView[] = [];

@Controller()
class FakeFleetController {
  @MessagePattern(FLEET_LIST.pattern)
  list(): FleetListReply {
    return {
      desired: fleetWorkers.length,
      workers: fleetWorkers,
      loadBalancerUrl: 'http://127.0.0.1:8080',
    };
  }
}

@Module({ controllers: [FakeFleetController] })
class FakeFleetModule {}

describe('metrics service (RabbitMQ + MySQL + a real worker process)', () => {
  const messaging = testMessagingConfig();
  const databaseUrl = testDatabaseUrl('ebbflow_metrics');
  const config = loadMetricsConfig({
    AMQP_URL: messaging.AMQP_URL,
    AMQP_NAMESPACE: messaging.AMQP_NAMESPACE,
    QUERY_TIMEOUT_MS: '2000',
    DATABASE_URL: databaseUrl,
    METRICS_POLL_S: '0.5',
    METRICS_FLEET_REFRESH_S: '1',
  });
  const apps: INestMicroservice[] = [];
  let worker: ChildProcess;
  let address: string;
  let bus: MessageBus;
  let probe: EventProbe;

  const startMetrics = async () => {
    const app = await createMetricsApp(config, ['error']);
    apps.push(app);
    await app.listen();
    return app;
  };
  const stop = async (app: INestMicroservice) => {
    apps.splice(apps.indexOf(app), 1);
    await app.close();
  };
  const view = (id: string): WorkerView => ({
    id,
    state: 'running',
    health: 'healthy',
    address,
    launchedAt: new Date(Date.now() - 600_000).toISOString(),
  });
  const samplesOf = (id: string) =>
    probe.of<MetricSample>(METRICS_SAMPLE.pattern).filter((s) => s.instanceId === id);

  beforeAll(async () => {
    const port = await freePort();
    address = `127.0.0.1:${port}`;
    worker = spawn(
      process.execPath,
      [join(__dirname, 'support', 'prometheus-worker.js'), String(port)],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    await once(worker.stdout!, 'data');
    bus = new MessageBus('gateway', messaging);
    probe = await EventProbe.start(messaging, [METRICS_SAMPLE.pattern]);
  });

  afterAll(async () => {
    for (const app of apps.splice(0)) await app.close();
    if (worker.exitCode === null) {
      worker.kill('SIGTERM');
      await once(worker, 'exit');
    }
    await probe?.close();
    await bus?.close();
    await deleteNamespace(messaging, ['metrics', 'fleet']);
    await dropDatabase(databaseUrl);
  });

  it('should measure a worker learnt from a fleet snapshot and keep its per-minute history across a restart', async () => {
    const id = 'i-00000000000aa001';
    const app = await startMetrics();
    await bus.emit(FLEET_SNAPSHOT, {
      desired: 1,
      workers: [view(id)],
      at: new Date().toISOString(),
    });

    // The first scrape has nothing to compare with: CPU unknown, still sent.
    const first = await probe.next<MetricSample>(
      METRICS_SAMPLE.pattern,
      (s) => s.instanceId === id,
    );
    expect(first.cpuPercent).toBeNull();

    for (let i = 0; i < 5; i++) await fetch(`http://${address}/hello`);
    await waitFor(() => samplesOf(id).reduce((n, s) => n + s.requests, 0) === 5, {
      what: '5 requests counted',
    });
    const busy = await probe.next<MetricSample>(
      METRICS_SAMPLE.pattern,
      (s) => s.instanceId === id && (s.cpuPercent ?? 0) > 5,
    );
    expect(busy.intervalS).toBeGreaterThan(0);

    const history = await waitFor(
      async () => {
        const h = await bus.query(METRICS_HISTORY, { instanceId: id, minutes: 5 });
        return h.points.reduce((n, p) => n + p.requests, 0) === 5 ? h : null;
      },
      { what: 'the history to hold the 5 requests' },
    );
    expect(history.points).toHaveLength(5);
    expect(Date.parse(history.points[4]!.minute)).toBeLessThanOrEqual(Date.now());
    expect(Date.parse(history.points[1]!.minute) - Date.parse(history.points[0]!.minute)).toBe(
      60_000,
    );
    expect(history.points.some((p) => (p.cpuAvg ?? 0) > 5)).toBe(true);

    await stop(app);
    await startMetrics();
    const after: HistoryReply = await bus.query(METRICS_HISTORY, { instanceId: id, minutes: 5 });
    expect(after.points.reduce((n, p) => n + p.requests, 0)).toBe(5);
    expect(after.points.some((p) => (p.cpuAvg ?? 0) > 5)).toBe(true);
    const measured = after.points.filter((p) => p.cpuAvg !== null).map((p) => p.minute);
    expect(measured.every((m) => history.points.some((p) => p.minute === m))).toBe(true);
  });

  it('should prune the minutes older than the retention (METRICS_RETENTION_MIN)', async () => {
    if (!apps.length) await startMetrics();
    const history = apps[apps.length - 1]!.get(HistoryService);
    const id = 'i-00000000000cc003';
    const longAgo = new Date(Date.now() - (config.METRICS_RETENTION_MIN + 5) * 60_000);
    await history.record([
      { instanceId: id, at: longAgo, cpuPercent: 40, requests: 3, intervalS: 5 },
    ]);
    const now = new Date();
    await history.record([{ instanceId: id, at: now, cpuPercent: 20, requests: 2, intervalS: 0 }]);
    const span = config.METRICS_RETENTION_MIN + 10;
    const before = await history.history(id, span, now);
    expect(before.points.filter((p) => p.cpuAvg !== null).map((p) => p.cpuAvg)).toEqual([40, 20]);

    expect(await history.prune(now)).toBe(1);
    const after = await history.history(id, span, now);
    expect(after.points.filter((p) => p.cpuAvg !== null).map((p) => p.cpuAvg)).toEqual([20]);
  });

  it('should answer an unknown worker with every minute empty', async () => {
    if (!apps.length) await startMetrics();
    const reply = await bus.query(METRICS_HISTORY, {
      instanceId: 'i-0000000000000bad',
      minutes: 3,
    });
    expect(reply.points.map((p) => [p.cpuAvg, p.requests])).toEqual([
      [null, 0],
      [null, 0],
      [null, 0],
    ]);
  });

  it('should ask the fleet for its workers (FLEET_LIST) when no snapshot comes', async () => {
    for (const app of apps.splice(0)) await app.close();
    const id = 'i-00000000000bb002';
    fleetWorkers = [view(id)];
    const fleet = await NestFactory.createMicroservice(FakeFleetModule, {
      strategy: createRmqServer('fleet', messaging),
      logger: ['error'],
    });
    apps.push(fleet);
    await fleet.listen();
    await startMetrics();
    const sample = await probe.next<MetricSample>(
      METRICS_SAMPLE.pattern,
      (s) => s.instanceId === id && s.cpuPercent !== null,
    );
    expect(sample.cpuPercent).toBeGreaterThan(0);
  });
});
