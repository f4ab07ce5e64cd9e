import { Controller, INestMicroservice, Module } from '@nestjs/common';
import { EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import {
  FLEET_GROW,
  FLEET_LIST,
  FLEET_POOL_CHANGED,
  FleetListReply,
  GrowCommand,
  PoolChanged,
  queueNames,
  SCALER_PUT_POLICY,
  SYSTEM_SHUTDOWN,
} from '@app/contracts';
import {
  HandlerError,
  MessageBus,
  MessagingConfig,
  QueryTimeoutError,
  RemoteError,
  RmqServer,
  RpcErrorPassthroughFilter,
} from '@app/messaging';
import { testAmqpUrl, testMessagingConfig, TestVhost, waitFor } from '@app/testing';
import amqplib from 'amqplib';
import { randomUUID } from 'crypto';

/** Records what the fake "fleet" handled, shared by the controller and the test. */
class Recorder {
  grows: GrowCommand[] = [];
  events: PoolChanged[] = [];
  failNext = 0;
  /** Deliveries that fail as if MySQL were down. */
  outageNext = 0;
  listError = false;
}

function fleetController(recorder: Recorder) {
  @Controller()
  class FakeFleetController {
    @MessagePattern(FLEET_GROW.pattern)
    grow(@Payload() cmd: GrowCommand): void {
      if (recorder.failNext > 0) {
        recorder.failNext -= 1;
        throw new Error('transient failure');
      }
      if (recorder.outageNext > 0) {
        recorder.outageNext -= 1;
        throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3306'), {
          code: 'ECONNREFUSED',
        });
      }
      recorder.grows.push(cmd);
    }

    @MessagePattern(FLEET_LIST.pattern)
    list(): FleetListReply {
      if (recorder.listError) throw new HandlerError('not-found', 'no such pool');
      return { desired: recorder.grows.length, workers: [], loadBalancerUrl: 'http://x' };
    }

    @EventPattern(FLEET_POOL_CHANGED.pattern)
    poolChanged(@Payload() event: PoolChanged): void {
      recorder.events.push(event);
    }
  }
  return FakeFleetController;
}

async function startFleet(
  config: MessagingConfig,
  recorder: Recorder,
  onSystemShutdown?: () => void,
) {
  @Module({ controllers: [fleetController(recorder)] })
  class FakeFleetModule {}
  const moduleRef = await Test.createTestingModule({ imports: [FakeFleetModule] }).compile();
  const server = new RmqServer('fleet', config, { onSystemShutdown: onSystemShutdown ?? null });
  const app = moduleRef.createNestMicroservice({ strategy: server });
  app.useGlobalFilters(new RpcErrorPassthroughFilter());
  await app.listen();
  return { app, server };
}

async function queueDepth(url: string, queue: string): Promise<number> {
  const conn = await amqplib.connect(url);
  try {
    const ch = await conn.createChannel();
    const q = await ch.checkQueue(queue);
    return q.messageCount;
  } finally {
    await conn.close();
  }
}

describe('messaging over the real RabbitMQ (in a vhost of its own)', () => {
  // Its own vhost, so dropping connections (the reconnect test) drops no one else's; the '/' in
  // its name makes every connection go through a percent-encoded vhost path (…/ebbflow-test%2F…).
  let vhost: TestVhost;
  let config: MessagingConfig;
  let bus: MessageBus;
  let fleet: { app: INestMicroservice; server: RmqServer } | undefined;
  const recorder = new Recorder();
  const shutdowns: number[] = [];

  beforeAll(async () => {
    vhost = await TestVhost.create('ebbflow-test/messaging');
    config = { ...testMessagingConfig(), AMQP_URL: vhost.url, AMQP_PREFETCH: 1 };
    bus = new MessageBus('gateway', config);
    fleet = await startFleet(config, recorder, () => shutdowns.push(Date.now()));
  });

  afterAll(async () => {
    await fleet?.app.close();
    await bus?.close();
    // Deleting the vhost deletes every queue and exchange of the test with it.
    await vhost?.delete();
  });

  it('should reach the vhost named in AMQP_URL (percent-encoded path)', async () => {
    expect(config.AMQP_URL).toMatch(/:5672\/ebbflow-test%2Fmessaging-[0-9a-f]{8}$/);
    // The bus's and the server's connections are in that vhost, not in the default one.
    await waitFor(async () => (await vhost.connectionPids()).length >= 2, {
      what: 'connections in the test vhost',
    });
    const names = queueNames('fleet', config.AMQP_NAMESPACE);
    const inVhost = await amqplib.connect(config.AMQP_URL);
    const inDefault = await amqplib.connect(testAmqpUrl);
    try {
      await expect((await inVhost.createChannel()).checkQueue(names.commands)).resolves.toEqual(
        expect.objectContaining({ queue: names.commands }),
      );
      const ch = await inDefault.createChannel();
      ch.on('error', () => undefined);
      await expect(ch.checkQueue(names.commands)).rejects.toThrow(/NOT_FOUND/);
    } finally {
      await inVhost.close();
      await inDefault.close();
    }
  });

  it('should deliver a command from one service to its owner and answer a query', async () => {
    const commandId = await bus.command(FLEET_GROW, { count: 2, reason: 'test' });
    await waitFor(() => recorder.grows.find((g) => g.commandId === commandId), { what: 'grow' });
    const reply = await bus.query(FLEET_LIST, {});
    expect(reply.desired).toBeGreaterThanOrEqual(1);
    expect(reply.loadBalancerUrl).toBe('http://x');
  });

  it('should broadcast events to the subscribed service', async () => {
    const at = new Date().toISOString();
    await bus.emit(FLEET_POOL_CHANGED, { desired: 3, previous: 1, cause: 'event test', at });
    await waitFor(() => recorder.events.find((e) => e.at === at), { what: 'event' });
  });

  it('should dead-letter ten malformed commands and still handle a valid one after them (prefetch 1)', async () => {
    const names = queueNames('fleet', config.AMQP_NAMESPACE);
    const conn = await amqplib.connect(config.AMQP_URL);
    const ch = await conn.createConfirmChannel();
    const bad: Buffer[] = [
      Buffer.from('not json at all'),
      Buffer.from(JSON.stringify({ nopattern: true })),
      Buffer.from(JSON.stringify({ pattern: 'fleet.unknown', data: {} })),
      Buffer.from(JSON.stringify({ pattern: FLEET_GROW.pattern, data: { count: 'many' } })),
      Buffer.from(
        JSON.stringify({
          pattern: FLEET_GROW.pattern,
          data: { count: 0, commandId: randomUUID() },
        }),
      ),
      Buffer.from(JSON.stringify({ pattern: FLEET_GROW.pattern, data: { count: 1 } })),
      Buffer.from(
        JSON.stringify({ pattern: FLEET_GROW.pattern, data: { count: 1, commandId: 'x' } }),
      ),
      Buffer.from(JSON.stringify({ pattern: FLEET_GROW.pattern, data: 'string payload' })),
      Buffer.from(JSON.stringify({ pattern: SCALER_PUT_POLICY.pattern, data: {} })),
      Buffer.from(
        JSON.stringify({
          pattern: FLEET_GROW.pattern,
          data: { count: 1, commandId: randomUUID(), extra: 1 },
        }),
      ),
    ];
    const before = await queueDepth(config.AMQP_URL, names.deadLetter);
    for (const body of bad) ch.sendToQueue(names.commands, body, { persistent: true });
    await ch.waitForConfirms();
    await conn.close();
    const commandId = await bus.command(FLEET_GROW, { count: 1 });
    await waitFor(() => recorder.grows.find((g) => g.commandId === commandId), {
      what: 'the valid command after ten bad ones',
    });
    await waitFor(
      async () => (await queueDepth(config.AMQP_URL, names.deadLetter)) === before + 10,
      {
        what: 'ten dead letters',
      },
    );
    expect(await queueDepth(config.AMQP_URL, names.commands)).toBe(0);
  });

  it('should dead-letter a command whose handler keeps failing, with the reason', async () => {
    const names = queueNames('fleet', config.AMQP_NAMESPACE);
    recorder.failNext = config.COMMAND_MAX_ATTEMPTS;
    const commandId = await bus.command(FLEET_GROW, { count: 1 });
    const conn = await amqplib.connect(config.AMQP_URL);
    try {
      const ch = await conn.createChannel();
      const dead = await waitFor(
        async () => {
          const m = await ch.get(names.deadLetter, { noAck: false });
          if (m && m.properties.messageId !== commandId) ch.ack(m);
          return m && m.properties.messageId === commandId ? m : null;
        },
        { what: 'the failing command in the dead-letter queue' },
      );
      ch.ack(dead);
      expect(String(dead.properties.headers?.['x-ebbflow-error'])).toMatch(
        /fleet.grow failed \(attempt 3\): transient failure/,
      );
      expect(recorder.grows.find((g) => g.commandId === commandId)).toBeUndefined();
    } finally {
      await conn.close();
    }
  });

  it('should keep a command that fails on a database outage until the database is back, not dead-letter it', async () => {
    // More failures than COMMAND_MAX_ATTEMPTS: an ordinary failure would be dead-lettered.
    recorder.outageNext = config.COMMAND_MAX_ATTEMPTS + 1;
    const commandId = await bus.command(FLEET_GROW, { count: 1 });
    await waitFor(() => recorder.grows.find((g) => g.commandId === commandId), {
      timeoutMs: 60000,
      what: 'the grow handled once the outage is over',
    });
    expect(recorder.outageNext).toBe(0);
  });

  it('should retry a failing handler and handle the command on a later attempt', async () => {
    recorder.failNext = 1;
    const commandId = await bus.command(FLEET_GROW, { count: 1 });
    await waitFor(() => recorder.grows.find((g) => g.commandId === commandId), {
      what: 'retried grow',
    });
  });

  it('should refuse an invalid command at the producer with the field named', async () => {
    await expect(bus.command(FLEET_GROW, { count: 0 })).rejects.toThrow(/count/);
  });

  it('should answer a query with field errors when its payload is invalid', async () => {
    const error = await bus.query(FLEET_LIST, { unexpected: 1 } as object).catch((e: unknown) => e);
    // The producer validates first, so the error is local and names the field.
    expect(String(error)).toMatch(/unexpected/);
  });

  it('should fail a query to a stopped service within its timeout with a clear error', async () => {
    const started = Date.now();
    const error = await bus.ping('scaler', 800).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueryTimeoutError);
    expect((error as Error).message).toMatch(/No answer from scaler to scaler.ping within 800 ms/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("should consume again after the broker closes every connection of its vhost, and close no other vhost's", async () => {
    // A connection of the same broker outside the vhost, opened before: it must survive.
    const probe = await amqplib.connect(testAmqpUrl);
    let probeClosed = false;
    probe.on('close', () => (probeClosed = true));
    probe.on('error', () => undefined);
    const before = await vhost.connectionPids();
    expect(before.length).toBeGreaterThanOrEqual(2);
    try {
      await vhost.closeConnections('ebbflow reconnect test');
      // The disconnect really happened: none of the old connections is left, and the bus and the
      // server opened new ones (the broker gives every connection a new pid).
      await waitFor(
        async () => {
          const now = await vhost.connectionPids();
          return now.length >= before.length && now.every((pid) => !before.includes(pid));
        },
        { timeoutMs: 30000, what: 'the old connections gone and new ones open' },
      );
      await waitFor(() => bus.isConnected && fleet!.server.isConnected, {
        timeoutMs: 30000,
        what: 'reconnection',
      });
      expect(probeClosed).toBe(false);
      await (await probe.createChannel()).checkExchange('amq.direct');
    } finally {
      await probe.close().catch(() => undefined);
    }
    const commandId = await waitFor(() => bus.command(FLEET_GROW, { count: 1 }), {
      timeoutMs: 20000,
      what: 'a command to be accepted',
    });
    await waitFor(() => recorder.grows.find((g) => g.commandId === commandId), {
      timeoutMs: 20000,
      what: 'the command after reconnecting',
    });
    const pong = await waitFor(() => bus.ping('fleet', 1000), { timeoutMs: 20000, what: 'ping' });
    expect(pong.service).toBe('fleet');
  });

  it('should hand SYSTEM_SHUTDOWN to the service', async () => {
    await bus.emit(SYSTEM_SHUTDOWN, { cause: 'test', at: new Date().toISOString() });
    await waitFor(() => shutdowns.length === 1, { what: 'the shutdown callback' });
  });

  it('should answer a coded handler error of a query as a RemoteError', async () => {
    recorder.listError = true;
    const error = await bus.query(FLEET_LIST, {}).catch((e: unknown) => e);
    recorder.listError = false;
    expect(error).toBeInstanceOf(RemoteError);
    expect((error as RemoteError).code).toBe('not-found');
    expect((error as RemoteError).message).toBe('no such pool');
  });
});
