import { INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SYSTEM_SHUTDOWN } from '@app/contracts';
import { dropDatabase } from '@app/database';
import { createRmqServer, MessageBus, MessagingConfig } from '@app/messaging';
import { createS3Client, LocalS3, startLocalS3 } from '@app/storage';
import {
  freePort,
  insertUsersWithImages,
  openAppDataTables,
  testAmqpUrl,
  testDatabaseUrl,
  testMessagingConfig,
  uniqueName,
} from '@app/testing';
import { randomUUID } from 'crypto';
import { mkdtemp, rm } from 'fs/promises';
import { tmpdir } from 'os';
import { join } from 'path';
import { DataSource } from 'typeorm';
import { loadJanitorConfig } from '../../../janitor/src/janitor.config';
import { JanitorModule } from '../../../janitor/src/janitor.module';
import { createGatewayApp } from '../../src/gateway.app';
import { GatewayConfig, loadGatewayConfig } from '../../src/gateway.config';
import { GatewayExit } from '../../src/shutdown/gateway-exit';
import { deleteNamespace } from './broker-cleanup';
import { EventRecorder } from './event-recorder';
import {
  FakeFleet,
  FakeScaler,
  SHUTDOWN_CALLS,
  startFakeFleet,
  startFakeMetrics,
  startFakeScaler,
} from './fake-services';

/** TEST_PASSWORD is the manager password of the test gateways. */
export const TEST_PASSWORD = 'correct horse battery';

/** RecordingExit is the test's GatewayExit: it records instead of stopping the process. */
export class RecordingExit extends GatewayExit {
  readonly calls: string[] = [];
  exit(reason: string): void {
    this.calls.push(reason);
  }
}

/** Stack is a gateway with everything it talks to, each in its own namespace and database. */
export interface Stack {
  namespace: string;
  url: string;
  config: GatewayConfig;
  messaging: MessagingConfig;
  gateway: NestExpressApplication;
  exit: RecordingExit;
  fleet: FakeFleet;
  scaler: FakeScaler;
  metricsApp: INestMicroservice;
  bus: MessageBus;
  events: EventRecorder;
  s3: S3Client;
  bucket: string;
  db: DataSource;
  /** putObjects stores `count` small objects in the bucket. */
  putObjects(count: number): Promise<void>;
  /** addUsers inserts users with pictures into the user app's tables. */
  addUsers(users: number, imagesPerUser: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * startStack starts, in this process: the local S3 server, a MySQL database with the user app's
 * tables, the real janitor, fake fleet / scaler / metrics services and the gateway listening on a
 * free port of 127.0.0.1. `close` stops all of it and drops the database.
 */
export async function startStack(overrides: Record<string, string> = {}): Promise<Stack> {
  const namespace = uniqueName('gw');
  const messaging = testMessagingConfig(namespace);
  const databaseUrl = testDatabaseUrl('ebbflow_gateway');
  const bucket = uniqueName('gwpics');
  const dir = await mkdtemp(join(tmpdir(), 'ebbflow-gateway-'));
  const closers: (() => Promise<unknown> | unknown)[] = [];
  const close = async () => {
    for (const c of closers.reverse()) await Promise.resolve(c()).catch(() => undefined);
    await dropDatabase(databaseUrl).catch(() => undefined);
    await deleteNamespace(namespace).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const s3server: LocalS3 = await startLocalS3({
      port: await freePort(),
      directory: dir,
      buckets: [bucket],
    });
    closers.push(() => s3server.close());
    const s3 = createS3Client({ AWS_REGION: 'us-east-1', ...s3server.env });
    closers.push(() => s3.destroy());

    const db = await openAppDataTables(databaseUrl);
    closers.push(() => db.destroy());

    const events = await EventRecorder.start(namespace, [SYSTEM_SHUTDOWN.pattern, '#']);
    closers.push(() => events.close());

    const { app: fleetApp, fleet } = await startFakeFleet(messaging);
    closers.push(
      () => fleetApp.close(),
      () => fleet.close(),
    );
    const { app: scalerApp, scaler } = await startFakeScaler(messaging);
    closers.push(() => scalerApp.close());
    const metricsApp = await startFakeMetrics(messaging);
    closers.push(() => metricsApp.close());

    const janitorConfig = loadJanitorConfig({
      AMQP_URL: testAmqpUrl,
      AMQP_NAMESPACE: namespace,
      DATABASE_URL: databaseUrl,
      S3_BUCKET: bucket,
      ...s3server.env,
    });
    const janitor = await NestFactory.createMicroservice(JanitorModule.forRoot(janitorConfig), {
      strategy: createRmqServer('janitor', janitorConfig, {
        onSystemShutdown: () => SHUTDOWN_CALLS.push('janitor'),
      }),
      logger: ['error'],
    });
    await janitor.listen();
    closers.push(() => janitor.close());

    const config = loadGatewayConfig({
      AMQP_URL: testAmqpUrl,
      AMQP_NAMESPACE: namespace,
      QUERY_TIMEOUT_MS: '2000',
      DATABASE_URL: databaseUrl,
      MANAGER_PASSWORD: TEST_PASSWORD,
      HEALTH_PING_TIMEOUT_MS: '500',
      CLEAR_TIMEOUT_S: '30',
      SHUTDOWN_TIMEOUT_S: '20',
      SHUTDOWN_POLL_MS: '100',
      LIVE_POLL_MS: '1000',
      LIVE_HEARTBEAT_S: '2',
      BALANCER_PUBLIC_URL: 'http://127.0.0.1:8080',
      ...overrides,
    });
    const exit = new RecordingExit();
    const gateway = await createGatewayApp(config, { exit, logger: ['error', 'warn'] });
    closers.push(() => gateway.close());
    await gateway.listen(0, '127.0.0.1');
    const { port } = gateway.getHttpServer().address() as { port: number };

    const bus = new MessageBus('gateway', messaging);
    closers.push(() => bus.close());

    return {
      namespace,
      url: `http://127.0.0.1:${port}`,
      config,
      messaging,
      gateway,
      exit,
      fleet,
      scaler,
      metricsApp,
      bus,
      events,
      s3,
      bucket,
      db,
      async putObjects(count) {
        for (let i = 0; i < count; i++) {
          await s3.send(
            new PutObjectCommand({
              Bucket: bucket,
              Key: `images/1/${randomUUID()}.png`,
              Body: 'png',
            }),
          );
        }
      },
      addUsers: (users, imagesPerUser) => insertUsersWithImages(db, users, imagesPerUser),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
