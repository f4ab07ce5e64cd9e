import { Logger, Type } from '@nestjs/common';
import { CustomTransportStrategy, Server } from '@nestjs/microservices';
import {
  DEAD_LETTER_MAX_LENGTH,
  exchangeNames,
  findMessageDef,
  HEADERS,
  MessageDef,
  PingReply,
  queueNames,
  ServiceName,
  ShutdownRequested,
  SYSTEM_SHUTDOWN,
} from '@app/contracts';
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import { ChannelWrapper } from 'amqp-connection-manager';
import { lastValueFrom } from 'rxjs';
import { BrokerConnection } from './connection';
import { DATABASE_UNAVAILABLE } from '@app/database/database-errors';
import { describeError, MessageValidationError } from './errors';
import { MessagingConfig } from './messaging.config';
import { RmqContext } from './rmq.context';
import { validatePayload } from './validate';

/** Envelope is the JSON body of every message. */
export interface Envelope {
  pattern: string;
  data: unknown;
}

/** QueryAnswer is the JSON body of a query's reply. */
export type QueryAnswer =
  | { ok: true; data: unknown }
  | { ok: false; error: { code: string; message: string; fields?: Record<string, string[]> } };

/** RmqServerOptions tune one server. */
export interface RmqServerOptions {
  /**
   * Called when SYSTEM_SHUTDOWN arrives ("Stopping"). Default: SIGTERM to this process, which
   * runMain turns into a clean close. `null` ignores the event (the gateway, which sends it). A
   * shutdown requested (its `at`) before this server was created is ignored: it was meant for
   * the previous run and waited in the durable events queue.
   */
  onSystemShutdown?: (() => void) | null;
}

/** Events queues drop what a stopped consumer has not read after this long (ms). */
const EVENT_QUEUE_TTL_MS = 10 * 60 * 1000;
/** OUTAGE_RETRY_MS: how long a command that failed on a database outage waits before its retry. */
const OUTAGE_RETRY_MS = 2000;

/**
 * RmqServer is Ebbflow's RabbitMQ transport for @nestjs/microservices. It consumes the service's
 * durable command queue (manual acks, bounded prefetch, retries then dead-letter), its query
 * queue (request/response through direct reply-to) and its own queue on the events topic
 * exchange, bound to exactly the events its handlers subscribe to. Payloads are validated
 * against the contract DTO before a handler sees them; anything malformed, unknown or failing
 * repeatedly ends in the service's dead-letter queue, never unacknowledged and never requeued
 * forever. It reconnects by itself after the broker drops the connection.
 */
export class RmqServer extends Server implements CustomTransportStrategy {
  private connection?: BrokerConnection;
  private channel?: ChannelWrapper;
  private readonly names;
  private readonly exchanges;
  private readonly startedAt = Date.now();
  /** The version-1 queues are looked at once per process, not at every reconnect. */
  private legacyRetired = false;
  protected readonly logger: Logger;

  private readonly onSystemShutdown: (() => void) | null;

  constructor(
    private readonly service: ServiceName,
    private readonly config: MessagingConfig,
    options: RmqServerOptions = {},
  ) {
    super();
    this.onSystemShutdown =
      options.onSystemShutdown === undefined
        ? () => process.kill(process.pid, 'SIGTERM')
        : options.onSystemShutdown;
    this.names = queueNames(service, config.AMQP_NAMESPACE);
    this.exchanges = exchangeNames(config.AMQP_NAMESPACE);
    this.logger = new Logger(`RmqServer:${service}`);
  }

  /** isConnected tells whether the consumer's broker connection is up. */
  get isConnected(): boolean {
    return this.connection?.isConnected ?? false;
  }

  listen(callback: (...optionalParams: unknown[]) => void): void {
    this.connection = new BrokerConnection(this.config.AMQP_URL, `${this.service}-server`);
    const eventPatterns = [...this.messageHandlers.entries()]
      .filter(([, h]) => h.isEventHandler)
      .map(([p]) => p);
    if (this.onSystemShutdown && !eventPatterns.includes(SYSTEM_SHUTDOWN.pattern)) {
      eventPatterns.push(SYSTEM_SHUTDOWN.pattern);
    }
    const prefetch = this.config.AMQP_PREFETCH;
    this.channel = this.connection.manager.createChannel({
      json: false,
      confirm: true,
      setup: async (ch: ConfirmChannel) => {
        await this.declare(ch, eventPatterns);
        await ch.prefetch(prefetch);
        await ch.consume(this.names.commands, (m) => m && void this.onCommand(ch, m), {
          noAck: false,
        });
        await ch.consume(this.names.queries, (m) => m && void this.onQuery(ch, m), {
          noAck: false,
        });
        if (eventPatterns.length) {
          await ch.consume(this.names.events, (m) => m && void this.onEvent(ch, m), {
            noAck: false,
          });
        }
      },
    });
    this.channel
      .waitForConnect()
      .then(() => {
        this.logger.log(
          `consuming ${this.names.commands}, ${this.names.queries}` +
            (eventPatterns.length ? ` and events ${eventPatterns.join(', ')}` : ''),
        );
        callback();
      })
      .catch((error: Error) => callback(error));
  }

  /**
   * declare asserts the service's exchanges and queues. The dead-letter queue holds only what
   * failed validation or handling (published there by deadLetter), at most
   * DEAD_LETTER_MAX_LENGTH, dropping the oldest. The events queue has no dead-letter exchange:
   * a routine event nobody read within EVENT_QUEUE_TTL_MS is dropped, not dead-lettered (issue
   * #9: ~30 expired `fleet.snapshot` a minute piled up in the DLQs of a stopped metrics and
   * scaler).
   */
  private async declare(ch: ConfirmChannel, eventPatterns: string[]): Promise<void> {
    const { names, exchanges } = this;
    await ch.assertExchange(exchanges.deadLetter, 'direct', { durable: true });
    await ch.assertExchange(exchanges.events, 'topic', { durable: true });
    await ch.assertQueue(names.deadLetter, {
      durable: true,
      arguments: { 'x-max-length': DEAD_LETTER_MAX_LENGTH, 'x-overflow': 'drop-head' },
    });
    await ch.bindQueue(names.deadLetter, exchanges.deadLetter, names.deadLetterKey);
    // The commands queue keeps the arguments it always had (changing them fails on brokers that
    // have it): the broker itself never dead-letters a command (no TTL, no reject), but if it
    // did, it would land here too.
    await ch.bindQueue(names.deadLetter, exchanges.deadLetter, names.legacy.deadLetterKey);
    await ch.assertQueue(names.commands, {
      durable: true,
      arguments: {
        'x-dead-letter-exchange': exchanges.deadLetter,
        'x-dead-letter-routing-key': names.legacy.deadLetterKey,
      },
    });
    await ch.assertQueue(names.queries, { durable: false });
    if (eventPatterns.length) {
      await ch.assertQueue(names.events, {
        durable: true,
        arguments: { 'x-message-ttl': EVENT_QUEUE_TTL_MS },
      });
      for (const pattern of eventPatterns) {
        await ch.bindQueue(names.events, exchanges.events, pattern);
      }
    }
    if (!this.legacyRetired) await this.retireLegacyQueues();
  }

  /**
   * retireLegacyQueues upgrades a broker that has the queues of version 1, whose arguments differ
   * (a durable queue's arguments cannot change: assertQueue fails with PRECONDITION_FAILED, and
   * management-API policies are not available to us), so version 2 uses new names. The old events
   * queue is deleted: it would keep collecting events and dead-lettering them when they expire;
   * what it held is at most EVENT_QUEUE_TTL_MS of routine events (and a stale shutdown at most).
   * The old dead-letter queue is deleted when empty, else left for the operator, who may want to
   * read real failures in it; nothing routes to it any more but the commands queue's unused
   * dead-letter key.
   */
  private async retireLegacyQueues(): Promise<void> {
    const model = this.connection?.manager.connection;
    if (!model) return;
    this.legacyRetired = true;
    // A channel of its own: a failing check (404) closes that channel, not the consumer's.
    const scratch = await model.createChannel();
    scratch.on('error', () => undefined);
    try {
      const { messageCount } = await scratch.deleteQueue(this.names.legacy.events);
      if (messageCount > 0) {
        this.logger.log(
          `removed the old events queue ${this.names.legacy.events} (${messageCount} unread events)`,
        );
      }
      const old = await scratch.checkQueue(this.names.legacy.deadLetter);
      if (old.messageCount === 0) {
        await scratch.deleteQueue(old.queue, { ifEmpty: true });
        return;
      }
      this.logger.warn(
        `the old dead-letter queue ${old.queue} holds ${old.messageCount} messages from before the upgrade ` +
          `(new ones go to ${this.names.deadLetter}); delete it when read: rabbitmqctl delete_queue ${old.queue}`,
      );
    } catch {
      // No old dead-letter queue (a fresh broker): nothing to say.
    } finally {
      await scratch.close().catch(() => undefined);
    }
  }

  private parse(msg: ConsumeMessage): Envelope {
    let body: unknown;
    try {
      body = JSON.parse(msg.content.toString('utf8'));
    } catch {
      throw new MessageValidationError('?', { body: ['is not valid JSON'] });
    }
    const env = body as Partial<Envelope>;
    if (!env || typeof env !== 'object' || typeof env.pattern !== 'string') {
      throw new MessageValidationError('?', { pattern: ['is missing'] });
    }
    return { pattern: env.pattern, data: env.data ?? {} };
  }

  /** Resolves the handler and validated payload, or throws a reason to dead-letter. */
  private resolve(
    msg: ConsumeMessage,
    expected: MessageDef['kind'],
  ): { pattern: string; payload: object; def: MessageDef } {
    const { pattern, data } = this.parse(msg);
    const def = findMessageDef(pattern);
    if (!def || def.kind !== expected || (def.kind !== 'event' && def.service !== this.service)) {
      throw new MessageValidationError(pattern, { pattern: [`unknown ${expected} ${pattern}`] });
    }
    const builtIn = pattern.endsWith('.ping') || pattern === SYSTEM_SHUTDOWN.pattern;
    if (!this.getHandlerByPattern(pattern) && !builtIn) {
      throw new MessageValidationError(pattern, { pattern: [`no handler for ${pattern}`] });
    }
    return { pattern, payload: validatePayload(pattern, def.dto as Type<object>, data), def };
  }

  private async run(pattern: string, payload: object, ctx: RmqContext): Promise<unknown> {
    const handler = this.getHandlerByPattern(pattern);
    if (!handler) throw new Error(`no handler for ${pattern}`);
    return lastValueFrom(this.transformToObservable(await handler(payload, ctx)), {
      defaultValue: undefined,
    });
  }

  private async deadLetter(ch: ConfirmChannel, msg: ConsumeMessage, reason: string): Promise<void> {
    this.logger.warn(`dead-lettering message from ${msg.fields.routingKey}: ${reason}`);
    try {
      const headers = {
        ...(msg.properties.headers ?? {}),
        [HEADERS.error]: reason.slice(0, 1000),
        [HEADERS.failedAt]: new Date().toISOString(),
      };
      ch.publish(this.exchanges.deadLetter, this.names.deadLetterKey, msg.content, {
        persistent: true,
        headers,
        messageId: msg.properties.messageId,
        contentType: 'application/json',
      });
      await ch.waitForConfirms();
      ch.ack(msg);
    } catch (error) {
      // The channel is gone; the broker redelivers the message after reconnecting.
      this.logger.error(`could not dead-letter: ${(error as Error).message}`);
    }
  }

  private async onCommand(ch: ConfirmChannel, msg: ConsumeMessage): Promise<void> {
    let resolved;
    try {
      resolved = this.resolve(msg, 'command');
    } catch (error) {
      return this.deadLetter(ch, msg, describeError(error).message);
    }
    const ctx = new RmqContext([msg, ch, resolved.pattern]);
    try {
      await this.run(resolved.pattern, resolved.payload, ctx);
      ch.ack(msg);
    } catch (error) {
      const outage = describeError(error).code === DATABASE_UNAVAILABLE;
      const previous = Number(msg.properties.headers?.[HEADERS.attempts] ?? 0);
      // A database outage is no fault of the command: it waits and is tried again without
      // using up its attempts, instead of landing in the dead-letter queue within milliseconds.
      const attempts = outage ? previous : previous + 1;
      if (outage) await new Promise((r) => setTimeout(r, OUTAGE_RETRY_MS));
      const reason = outage
        ? `${resolved.pattern} waits for the database (retried every ${OUTAGE_RETRY_MS} ms)`
        : `${resolved.pattern} failed (attempt ${attempts}): ${describeError(error).message}`;
      if (!outage && attempts >= this.config.COMMAND_MAX_ATTEMPTS) {
        return this.deadLetter(ch, msg, reason);
      }
      this.logger.warn(`${reason}; retrying`);
      try {
        // Republish at the tail with a counter instead of nack-requeue, which would loop forever.
        ch.sendToQueue(this.names.commands, msg.content, {
          ...msg.properties,
          persistent: true,
          headers: { ...(msg.properties.headers ?? {}), [HEADERS.attempts]: attempts },
        });
        await ch.waitForConfirms();
        ch.ack(msg);
      } catch (republishError) {
        this.logger.error(`could not requeue: ${(republishError as Error).message}`);
      }
    }
  }

  private async onQuery(ch: ConfirmChannel, msg: ConsumeMessage): Promise<void> {
    let answer: QueryAnswer;
    try {
      const { pattern, payload } = this.resolve(msg, 'query');
      const data = pattern.endsWith('.ping')
        ? this.ping()
        : await this.run(pattern, payload, new RmqContext([msg, ch, pattern]));
      answer = { ok: true, data: data ?? null };
    } catch (error) {
      const e = describeError(error);
      if (e.code === 'internal') {
        this.logger.error(`query failed: ${(error as Error)?.stack ?? e.message}`);
      }
      answer = { ok: false, error: e };
    }
    try {
      if (msg.properties.replyTo) {
        ch.sendToQueue(msg.properties.replyTo, Buffer.from(JSON.stringify(answer)), {
          correlationId: msg.properties.correlationId,
          contentType: 'application/json',
        });
      }
      ch.ack(msg);
    } catch (error) {
      this.logger.error(`could not answer a query: ${(error as Error).message}`);
    }
  }

  private async onEvent(ch: ConfirmChannel, msg: ConsumeMessage): Promise<void> {
    let resolved;
    try {
      resolved = this.resolve(msg, 'event');
    } catch (error) {
      return this.deadLetter(ch, msg, describeError(error).message);
    }
    if (
      resolved.pattern === SYSTEM_SHUTDOWN.pattern &&
      !this.getHandlerByPattern(resolved.pattern)
    ) {
      ch.ack(msg);
      const { cause, at } = resolved.payload as ShutdownRequested;
      // The events queue is durable: a "Stopping" sent while this service was down would stop
      // it again at its next start (issue #9). Only a request made since it started counts.
      if (Date.parse(at) < this.startedAt) {
        this.logger.log(
          `ignoring a system shutdown requested at ${at}, before this service started ` +
            `(${new Date(this.startedAt).toISOString()}): ${cause}`,
        );
        return;
      }
      this.logger.log(`system shutdown requested: ${cause}`);
      this.onSystemShutdown?.();
      return;
    }
    try {
      await this.run(
        resolved.pattern,
        resolved.payload,
        new RmqContext([msg, ch, resolved.pattern]),
      );
      ch.ack(msg);
    } catch (error) {
      await this.deadLetter(
        ch,
        msg,
        `${resolved.pattern} handler failed: ${describeError(error).message}`,
      );
    }
  }

  private ping(): PingReply {
    return {
      service: this.service,
      pid: process.pid,
      uptimeS: Math.round((Date.now() - this.startedAt) / 1000),
    };
  }

  async close(): Promise<void> {
    await this.channel?.close().catch(() => undefined);
    await this.connection?.close().catch(() => undefined);
  }

  on(): void {
    throw new Error('RmqServer does not support event listeners; use the status observable');
  }

  unwrap<T>(): T {
    return this.connection?.manager as T;
  }
}
