import { Controller, INestMicroservice, Module, Type } from '@nestjs/common';
import { EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import {
  DEAD_LETTER_MAX_LENGTH,
  exchangeNames,
  FLEET_GROW,
  FLEET_SNAPSHOT,
  FleetSnapshot,
  GrowCommand,
  HEADERS,
  queueNames,
} from '@app/contracts';
import { MessageBus, MessagingConfig, RmqServer } from '@app/messaging';
import { deleteNamespace, testMessagingConfig, waitFor } from '@app/testing';
import amqplib, { ChannelModel } from 'amqplib';
import { randomUUID } from 'crypto';

/** start runs one RmqServer for `service` with `controller`'s handlers. */
async function start(
  service: 'fleet' | 'metrics' | 'janitor',
  config: MessagingConfig,
  controller: Type<unknown>,
): Promise<INestMicroservice> {
  @Module({ controllers: [controller] })
  class M {}
  const moduleRef = await Test.createTestingModule({ imports: [M] }).compile();
  const app = moduleRef.createNestMicroservice({
    strategy: new RmqServer(service, config, { onSystemShutdown: null }),
    logger: false,
  });
  await app.listen();
  return app;
}

const handled: { snapshots: FleetSnapshot[]; grows: GrowCommand[] } = { snapshots: [], grows: [] };

@Controller()
class SnapshotController {
  @EventPattern(FLEET_SNAPSHOT.pattern)
  onSnapshot(@Payload() s: FleetSnapshot): void {
    handled.snapshots.push(s);
  }
}

@Controller()
class FailingFleetController {
  @MessagePattern(FLEET_GROW.pattern)
  grow(@Payload() cmd: GrowCommand): void {
    handled.grows.push(cmd);
    throw new Error('the pool is on fire');
  }
}

describe('dead-letter queues hold only real failures (RabbitMQ)', () => {
  const config = { ...testMessagingConfig(), COMMAND_MAX_ATTEMPTS: 2 };
  const names = (s: 'fleet' | 'metrics' | 'janitor') => queueNames(s, config.AMQP_NAMESPACE);
  const exchanges = exchangeNames(config.AMQP_NAMESPACE);
  let amqp: ChannelModel;
  const apps: INestMicroservice[] = [];

  const depth = async (queue: string) => {
    const ch = await amqp.createChannel();
    try {
      return (await ch.checkQueue(queue)).messageCount;
    } finally {
      await ch.close();
    }
  };
  /** exists checks a queue on a channel of its own (a missing queue closes the channel). */
  const exists = async (queue: string) => {
    const ch = await amqp.createChannel();
    ch.on('error', () => undefined);
    try {
      await ch.checkQueue(queue);
      await ch.close();
      return true;
    } catch {
      return false;
    }
  };

  beforeAll(async () => {
    amqp = await amqplib.connect(config.AMQP_URL);
  });

  afterAll(async () => {
    for (const app of apps) await app.close();
    await amqp?.close();
    await deleteNamespace(config.AMQP_NAMESPACE);
  });

  it('should drop 1,000 routine events that expire unread instead of dead-lettering them, and still dead-letter a failing command', async () => {
    // The metrics service subscribes to snapshots, then is down while the fleet keeps sending.
    const metrics = await start('metrics', config, SnapshotController);
    await metrics.close();
    const ch = await amqp.createConfirmChannel();
    const at = new Date().toISOString();
    const body = Buffer.from(
      JSON.stringify({ pattern: FLEET_SNAPSHOT.pattern, data: { desired: 1, workers: [], at } }),
    );
    for (let i = 0; i < 1000; i++) {
      // Expiring after 1 ms stands in for the queue's 10-minute TTL.
      ch.publish(exchanges.events, FLEET_SNAPSHOT.pattern, body, {
        persistent: true,
        expiration: '1',
      });
    }
    await ch.waitForConfirms();
    await ch.close();
    await waitFor(async () => (await depth(names('metrics').events)) === 0, {
      what: 'the 1,000 snapshots to expire',
    });

    // A command that keeps failing still reaches the fleet's dead-letter queue, with its reason.
    apps.push(await start('fleet', config, FailingFleetController));
    const bus = new MessageBus('gateway', config);
    try {
      const commandId = await bus.command(FLEET_GROW, { count: 1 });
      await waitFor(async () => (await depth(names('fleet').deadLetter)) === 1, {
        what: 'the failing command in the fleet DLQ',
      });
      const get = await amqp.createChannel();
      const dead = await get.get(names('fleet').deadLetter, { noAck: true });
      await get.close();
      expect(dead && dead.properties.messageId).toBe(commandId);
      expect(String(dead && dead.properties.headers?.[HEADERS.error])).toMatch(
        /^fleet\.grow failed \(attempt 2\): /,
      );
      expect(handled.grows.map((g) => g.commandId)).toEqual([commandId, commandId]);
    } finally {
      await bus.close();
    }
    // Expired events were dropped: no dead letter in either queue (they had 1,000 before).
    expect(await depth(names('metrics').deadLetter)).toBe(0);
    expect(await depth(names('fleet').deadLetter)).toBe(0);
    expect(handled.snapshots).toEqual([]);
  });

  it.each([
    ['__proto__', '"__proto__":{"count":20}'],
    ['constructor', '"constructor":{"prototype":{"count":20}}'],
    ['hasOwnProperty', '"hasOwnProperty":1'],
    ['extra', '"extra":1'],
  ])(
    'should dead-letter a command with the extra key %s, with the reason, without calling the handler',
    async (key, extra) => {
      const q = names('fleet').deadLetter;
      const calls = handled.grows.length;
      const commandId = randomUUID();
      const ch = await amqp.createConfirmChannel();
      // Raw bytes, as an attacker or a buggy producer would send them (MessageBus validates first).
      const body = `{"pattern":"${FLEET_GROW.pattern}","data":{"count":1,"commandId":"${commandId}",${extra}}}`;
      ch.sendToQueue(names('fleet').commands, Buffer.from(body), {
        persistent: true,
        messageId: commandId,
      });
      await ch.waitForConfirms();
      await ch.close();
      const get = await amqp.createChannel();
      try {
        const dead = await waitFor(async () => (await get.get(q, { noAck: true })) || null, {
          what: `the command with ${key} in the DLQ`,
        });
        expect(dead.properties.messageId).toBe(commandId);
        expect(String(dead.properties.headers?.[HEADERS.error])).toBe(
          `Invalid fleet.grow payload: ${key}: property ${key} should not exist`,
        );
      } finally {
        await get.close();
      }
      expect(handled.grows).toHaveLength(calls);
    },
  );

  it(`should declare every dead-letter queue bounded: at most ${DEAD_LETTER_MAX_LENGTH} messages, the oldest dropped`, async () => {
    const ch = await amqp.createChannel();
    ch.on('error', () => undefined);
    const q = names('fleet').deadLetter;
    // Declaring it again with the same arguments succeeds; with others it fails (406), so these
    // are its arguments.
    await ch.assertQueue(q, {
      durable: true,
      arguments: { 'x-max-length': DEAD_LETTER_MAX_LENGTH, 'x-overflow': 'drop-head' },
    });
    await expect(ch.assertQueue(q, { durable: true })).rejects.toThrow(/PRECONDITION_FAILED/);
  });

  it('should start on a broker with the version-1 queues (other arguments), retiring the old events queue', async () => {
    const v1 = names('janitor').legacy;
    const ch = await amqp.createConfirmChannel();
    await ch.assertExchange(exchanges.deadLetter, 'direct', { durable: true });
    await ch.assertExchange(exchanges.events, 'topic', { durable: true });
    // Exactly what version 1 declared.
    const dl = {
      'x-dead-letter-exchange': exchanges.deadLetter,
      'x-dead-letter-routing-key': v1.deadLetterKey,
    };
    await ch.assertQueue(v1.deadLetter, { durable: true });
    await ch.bindQueue(v1.deadLetter, exchanges.deadLetter, v1.deadLetterKey);
    await ch.assertQueue(names('janitor').commands, { durable: true, arguments: dl });
    await ch.assertQueue(v1.events, {
      durable: true,
      arguments: { ...dl, 'x-message-ttl': 600000 },
    });
    await ch.bindQueue(v1.events, exchanges.events, FLEET_SNAPSHOT.pattern);
    ch.sendToQueue(v1.deadLetter, Buffer.from('{"pattern":"janitor.clear"}'), { persistent: true });
    ch.sendToQueue(v1.events, Buffer.from('{}'), { persistent: true });
    await ch.waitForConfirms();
    await ch.close();

    apps.push(await start('janitor', config, SnapshotController));

    // Started: consuming its version-2 events queue, the old one is gone (no more expiring into
    // a DLQ), the old DLQ with a real failure in it is kept for the operator.
    expect(await exists(names('janitor').events)).toBe(true);
    expect(await exists(v1.events)).toBe(false);
    expect(await depth(v1.deadLetter)).toBe(1);
    expect(await depth(names('janitor').deadLetter)).toBe(0);
  });
});
