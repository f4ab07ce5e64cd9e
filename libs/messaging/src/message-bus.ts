import { Logger, OnApplicationShutdown } from '@nestjs/common';
import {
  CommandDef,
  EventDef,
  exchangeNames,
  PING,
  PingReply,
  QueryDef,
  queueNames,
  ServiceName,
} from '@app/contracts';
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import { ChannelWrapper } from 'amqp-connection-manager';
import { randomUUID } from 'crypto';
import { BrokerConnection } from './connection';
import { BrokerUnavailableError, QueryTimeoutError, RemoteError } from './errors';
import { MessagingConfig } from './messaging.config';
import type { QueryAnswer } from './rmq.server';
import { validatePayload } from './validate';

const REPLY_QUEUE = 'amq.rabbitmq.reply-to';
/** How long a command or event may wait for the broker to confirm it before the caller hears. */
const PUBLISH_TIMEOUT_MS = 5000;

type Pending = {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
};

/** QueryOptions tune one query. */
export interface QueryOptions {
  timeoutMs?: number;
}

/**
 * MessageBus is how a service talks to the others: `command` (durable, to the owner's queue,
 * persistent, with a commandId), `query` (request/response with a timeout, never hangs) and
 * `emit` (an event on the topic exchange). Payloads are validated against the contract before
 * they leave, so a producer bug is caught at the producer.
 */
export class MessageBus implements OnApplicationShutdown {
  private readonly connection: BrokerConnection;
  private readonly channel: ChannelWrapper;
  private readonly pending = new Map<string, Pending>();
  private readonly exchanges;
  private readonly logger: Logger;

  constructor(
    private readonly name: string,
    private readonly config: MessagingConfig,
  ) {
    this.logger = new Logger(`MessageBus:${name}`);
    this.exchanges = exchangeNames(config.AMQP_NAMESPACE);
    this.connection = new BrokerConnection(config.AMQP_URL, `${name}-client`);
    this.channel = this.connection.manager.createChannel({
      json: false,
      confirm: true,
      publishTimeout: PUBLISH_TIMEOUT_MS,
      setup: async (ch: ConfirmChannel) => {
        await ch.assertExchange(this.exchanges.events, 'topic', { durable: true });
        await ch.consume(REPLY_QUEUE, (m) => m && this.onReply(m), { noAck: true });
      },
    });
  }

  /** isConnected tells whether this bus's broker connection is up right now. */
  get isConnected(): boolean {
    return this.connection.isConnected;
  }

  /** command sends a durable command to its owner; returns the commandId. */
  async command<T extends object>(
    def: CommandDef<T>,
    payload: Omit<T, 'commandId'> & { commandId?: string },
  ): Promise<string> {
    const commandId = payload.commandId ?? randomUUID();
    const data = { ...payload, commandId };
    validatePayload(def.pattern, def.dto, data);
    const queue = queueNames(def.service, this.config.AMQP_NAMESPACE).commands;
    await this.publish(
      '',
      queue,
      { pattern: def.pattern, data },
      {
        persistent: true,
        messageId: commandId,
      },
    );
    return commandId;
  }

  /** query asks the owning service and waits at most `timeoutMs` for the answer. */
  async query<Req extends object, Res>(
    def: QueryDef<Req, Res>,
    payload: Req,
    options: QueryOptions = {},
  ): Promise<Res> {
    validatePayload(def.pattern, def.dto, payload);
    const timeoutMs = options.timeoutMs ?? this.config.QUERY_TIMEOUT_MS;
    const correlationId = randomUUID();
    const queue = queueNames(def.service, this.config.AMQP_NAMESPACE).queries;
    const answer = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(correlationId);
        reject(new QueryTimeoutError(def.service, def.pattern, timeoutMs));
      }, timeoutMs);
      this.pending.set(correlationId, { resolve, reject, timer });
    });
    this.channel
      .sendToQueue(queue, Buffer.from(JSON.stringify({ pattern: def.pattern, data: payload })), {
        correlationId,
        replyTo: REPLY_QUEUE,
        // The query dies with its caller's patience: a service that starts later never
        // answers questions nobody waits for any more.
        expiration: String(timeoutMs),
        contentType: 'application/json',
        timeout: timeoutMs,
      })
      .catch((error: Error) => {
        const p = this.pending.get(correlationId);
        if (!p) return;
        clearTimeout(p.timer);
        this.pending.delete(correlationId);
        p.reject(new BrokerUnavailableError(`cannot send ${def.pattern}: ${error.message}`));
      });
    return answer as Promise<Res>;
  }

  /** ping asks a service whether it is up (used by /health). */
  ping(service: ServiceName, timeoutMs?: number): Promise<PingReply> {
    return this.query(PING[service], {}, { timeoutMs });
  }

  /** emit publishes an event on the topic exchange under its pattern. */
  async emit<T extends object>(def: EventDef<T>, payload: T): Promise<void> {
    validatePayload(def.pattern, def.dto, payload);
    await this.publish(
      this.exchanges.events,
      def.pattern,
      { pattern: def.pattern, data: payload },
      {
        persistent: true,
      },
    );
  }

  private async publish(
    exchange: string,
    routingKey: string,
    body: unknown,
    options: { persistent: boolean; messageId?: string },
  ): Promise<void> {
    try {
      await this.channel.publish(exchange, routingKey, Buffer.from(JSON.stringify(body)), {
        ...options,
        contentType: 'application/json',
        timeout: PUBLISH_TIMEOUT_MS,
      });
    } catch (error) {
      throw new BrokerUnavailableError(
        `the broker did not accept ${routingKey} within ${PUBLISH_TIMEOUT_MS} ms: ${(error as Error).message}`,
      );
    }
  }

  private onReply(msg: ConsumeMessage): void {
    const id = msg.properties.correlationId as string | undefined;
    const p = id ? this.pending.get(id) : undefined;
    if (!p || !id) return;
    clearTimeout(p.timer);
    this.pending.delete(id);
    let answer: QueryAnswer;
    try {
      answer = JSON.parse(msg.content.toString('utf8')) as QueryAnswer;
    } catch {
      p.reject(new RemoteError('internal', 'unreadable reply'));
      return;
    }
    if (answer.ok) p.resolve(answer.data);
    else p.reject(new RemoteError(answer.error.code, answer.error.message, answer.error.fields));
  }

  /** close stops the bus; pending queries fail at once. */
  async close(): Promise<void> {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new BrokerUnavailableError('message bus closed'));
      this.pending.delete(id);
    }
    await this.channel.close().catch(() => undefined);
    await this.connection.close().catch(() => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }
}
