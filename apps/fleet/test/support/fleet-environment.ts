import { INestMicroservice, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import amqp, { Channel, ChannelModel } from 'amqplib';
import { existsSync } from 'fs';
import { mkdtemp, readdir, readFile, rm } from 'fs/promises';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import {
  exchangeNames,
  FLEET_LIST,
  FleetListReply,
  InstanceStateChanged,
  queueNames,
  ServiceName,
  WorkerView,
} from '@app/contracts';
import { killAllLocalWorkers } from '@app/cloud';
import { dropDatabase } from '@app/database';
import { createRmqServer, MessageBus, MessagingConfig } from '@app/messaging';
import { LocalS3, startLocalS3 } from '@app/storage';
import {
  FAST_BALANCER_ENV,
  TEST_BALANCER_ADMIN_TOKEN,
  testDatabaseUrl,
  testMessagingConfig,
  uniqueName,
  waitFor,
} from '@app/testing';
import { loadBalancerConfig } from '../../../balancer/src/balancer.config';
import { RunningBalancer, startBalancer } from '../../../balancer/src/balancer.app';
import { FleetConfig, loadFleetConfig } from '../../src/fleet.config';
import { FleetModule } from '../../src/fleet.module';

/** WORKER_ENTRY is the built user app the fleet launches (npm test builds it first). */
export const WORKER_ENTRY = resolve(__dirname, '../../../../dist/apps/worker/src/main.js');

const LOGGER: LogLevel[] = ['error', 'warn'];

/** FleetEvent is one `fleet.*` event seen on the events exchange. */
export interface FleetEvent {
  pattern: string;
  data: Record<string, unknown>;
}

/** FleetEnvironmentOptions: another worker program, extra worker variables and fleet settings. */
export interface FleetEnvironmentOptions {
  workerEntry?: string;
  workerEnv?: NodeJS.ProcessEnv;
  fleetEnv?: Record<string, string>;
}

/**
 * FleetEnvironment runs, for one test file, everything the fleet needs for real: its own MySQL
 * database (shared with the workers, whose tables differ), an s3rver, an in-process balancer on
 * free ports, its own AMQP namespace, a test-side MessageBus and a listener on the events
 * exchange. `close` removes every trace: worker processes, queues, database, temp files.
 */
export class FleetEnvironment {
  readonly events: FleetEvent[] = [];
  fleet?: INestMicroservice;
  bus!: MessageBus;
  balancer!: RunningBalancer;
  config!: FleetConfig;
  workerEnv!: NodeJS.ProcessEnv;
  private s3?: LocalS3;
  private amqp?: ChannelModel;
  private channel?: Channel;
  private dir!: string;
  readonly databaseUrl = testDatabaseUrl('ebbflow_fleet');
  readonly messaging: MessagingConfig = testMessagingConfig(uniqueName('fleet'));

  constructor(private readonly options: FleetEnvironmentOptions = {}) {}

  get stateDir(): string {
    return join(this.dir, 'state');
  }

  async start(): Promise<void> {
    const workerEntry = this.options.workerEntry ?? WORKER_ENTRY;
    if (!existsSync(workerEntry)) {
      throw new Error(`${workerEntry} is missing: build first (node scripts/build.js)`);
    }
    this.dir = await mkdtemp(join(tmpdir(), 'ebbflow-fleet-'));
    const bucket = uniqueName('fleet-images');
    this.s3 = await startLocalS3({ port: 0, directory: join(this.dir, 's3'), buckets: [bucket] });
    this.balancer = await startBalancer(
      loadBalancerConfig({
        ...FAST_BALANCER_ENV,
        BALANCER_DEREGISTRATION_DELAY_MS: '15000',
        BALANCER_STATE_FILE: join(this.dir, 'balancer', 'targets.json'),
      }),
      { logger: LOGGER },
    );
    this.workerEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'production',
      CLOUD_PROVIDER: 'local',
      DATABASE_URL: this.databaseUrl,
      ...this.s3.env,
      S3_BUCKET: bucket,
      // The fleet tests drive load through /api/load/sleep (off by default, issue #10).
      WORKER_LOAD_ENDPOINTS: 'true',
      ...this.options.workerEnv,
    };
    this.config = {
      ...loadFleetConfig({
        CLOUD_PROVIDER: 'local',
        DATABASE_URL: this.databaseUrl,
        FLEET_STATE_DIR: this.stateDir,
        WORKER_ENTRY: workerEntry,
        BALANCER_ADMIN_URL: this.balancer.adminUrl,
        BALANCER_PUBLIC_URL: this.balancer.proxyUrl,
        BALANCER_ADMIN_TOKEN: TEST_BALANCER_ADMIN_TOKEN,
        INITIAL_WORKERS: '1',
        FLEET_RECONCILE_INTERVAL_MS: '300',
        FLEET_UNHEALTHY_GRACE_S: '30',
        FLEET_DRAIN_TIMEOUT_S: '20',
        FLEET_LAUNCH_RETRY_MS: '500',
        LAUNCH_TIMEOUT_MS: '30000',
        TERMINATE_GRACE_MS: '5000',
        ...this.options.fleetEnv,
      }),
      ...this.messaging,
    };
    await this.listenToEvents();
    this.bus = new MessageBus('gateway', this.messaging);
  }

  /** startFleet starts the fleet service in-process (as main.ts does) on this environment. */
  async startFleet(): Promise<INestMicroservice> {
    const app = await NestFactory.createMicroservice(
      FleetModule.forRoot(this.config, { workerEnv: this.workerEnv }),
      { strategy: createRmqServer('fleet', this.messaging), logger: LOGGER },
    );
    await app.listen();
    this.fleet = app;
    return app;
  }

  async stopFleet(): Promise<void> {
    const app = this.fleet;
    this.fleet = undefined;
    await app?.close();
  }

  list(): Promise<FleetListReply> {
    return this.bus.query(FLEET_LIST, {}, { timeoutMs: 5000 });
  }

  /** waitForPool waits until the fleet lists exactly `n` workers, all running and healthy. */
  async waitForPool(n: number, timeoutMs = 60000): Promise<WorkerView[]> {
    const list = await waitFor(
      async () => {
        const reply = await this.list();
        const ready =
          reply.desired === n &&
          reply.workers.length === n &&
          reply.workers.every((w) => w.state === 'running' && w.health === 'healthy');
        return ready ? reply : null;
      },
      { timeoutMs, intervalMs: 250, what: `${n} running healthy workers` },
    );
    return list.workers;
  }

  /** stateEvents lists the FLEET_INSTANCE_STATE events of one worker. */
  stateEvents(id: string): InstanceStateChanged[] {
    return this.events
      .filter((e) => e.pattern === 'fleet.instance-state' && e.data.instanceId === id)
      .map((e) => e.data as unknown as InstanceStateChanged);
  }

  /** pidOf reads a worker's pid from its state file (the local adapter's format). */
  async pidOf(id: string): Promise<number> {
    const record = JSON.parse(await readFile(join(this.stateDir, `${id}.json`), 'utf8')) as {
      pid: number;
    };
    return record.pid;
  }

  /** stateFiles lists the ids of the workers with a live state file. */
  async stateFiles(): Promise<string[]> {
    const names = await readdir(this.stateDir).catch(() => [] as string[]);
    return names
      .filter((n) => n.endsWith('.json'))
      .map((n) => n.slice(0, -5))
      .sort();
  }

  /**
   * workerProcesses lists the pids of every live process started for this environment: a worker
   * of this test carries its unique DATABASE_URL in its environment.
   */
  async workerProcesses(): Promise<number[]> {
    const pids: number[] = [];
    for (const entry of await readdir('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const environ = await readFile(`/proc/${entry}/environ`, 'utf8');
        const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
        // A zombie (state Z) has exited; its parent just did not reap it yet.
        if (stat.split(') ')[1]?.startsWith('Z')) continue;
        if (environ.split('\0').includes(`DATABASE_URL=${this.databaseUrl}`))
          pids.push(Number(entry));
      } catch {
        // Gone meanwhile, or not ours to read.
      }
    }
    return pids.sort((a, b) => a - b);
  }

  /** close stops everything this environment started and deletes what it created. */
  async close(): Promise<void> {
    const errors: unknown[] = [];
    const attempt = async (fn: () => Promise<unknown>) => {
      try {
        await fn();
      } catch (error) {
        errors.push(error);
      }
    };
    await attempt(() => this.stopFleet());
    if (this.dir) {
      await attempt(() => killAllLocalWorkers(this.stateDir, { graceMs: 3000 }));
      // Belt and braces: no process of this test may outlive it.
      for (const pid of await this.workerProcesses()) {
        await attempt(async () => process.kill(pid, 'SIGKILL'));
      }
    }
    await attempt(async () => this.bus?.close());
    await attempt(async () => this.balancer?.close());
    await attempt(async () => this.s3?.close());
    await attempt(() => this.deleteBrokerObjects());
    await attempt(() => dropDatabase(this.databaseUrl));
    if (this.dir) await attempt(() => rm(this.dir, { recursive: true, force: true }));
    if (errors.length) throw errors[0];
  }

  private async listenToEvents(): Promise<void> {
    this.amqp = await amqp.connect(this.messaging.AMQP_URL);
    this.channel = await this.amqp.createChannel();
    const exchange = exchangeNames(this.messaging.AMQP_NAMESPACE).events;
    await this.channel.assertExchange(exchange, 'topic', { durable: true });
    const { queue } = await this.channel.assertQueue('', { exclusive: true, autoDelete: true });
    await this.channel.bindQueue(queue, exchange, 'fleet.#');
    await this.channel.consume(
      queue,
      (msg) => {
        if (!msg) return;
        this.events.push(JSON.parse(msg.content.toString('utf8')) as FleetEvent);
      },
      { noAck: true },
    );
  }

  private async deleteBrokerObjects(): Promise<void> {
    if (!this.channel || !this.amqp) return;
    const ns = this.messaging.AMQP_NAMESPACE;
    for (const service of ['fleet', 'gateway'] as ServiceName[]) {
      const names = queueNames(service, ns);
      for (const queue of [names.commands, names.queries, names.events, names.deadLetter]) {
        await this.channel.deleteQueue(queue);
      }
    }
    const exchanges = exchangeNames(ns);
    await this.channel.deleteExchange(exchanges.events);
    await this.channel.deleteExchange(exchanges.deadLetter);
    await this.channel.close();
    await this.amqp.close();
  }
}
