import { exchangeNames, queueNames, ServiceName } from '@app/contracts';
import { MessagingConfig } from '@app/messaging';
import { deleteNamespace as deleteTestNamespace, waitFor } from '@app/testing';
import { Channel, ChannelModel, connect } from 'amqplib';

/** Received is one message a probe saw. */
export interface Received {
  pattern: string;
  data: Record<string, unknown>;
}

/**
 * EventProbe listens on the events exchange of a test namespace (its own exclusive queue) and
 * keeps what it hears, so a test can wait for an event a service emitted.
 */
export class EventProbe {
  readonly received: Received[] = [];

  private constructor(
    private readonly connection: ChannelModel,
    private readonly channel: Channel,
  ) {}

  static async start(config: MessagingConfig, patterns: string[]): Promise<EventProbe> {
    const connection = await connect(config.AMQP_URL);
    const channel = await connection.createChannel();
    const probe = new EventProbe(connection, channel);
    const exchange = exchangeNames(config.AMQP_NAMESPACE).events;
    await channel.assertExchange(exchange, 'topic', { durable: true });
    const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
    for (const p of patterns) await channel.bindQueue(queue, exchange, p);
    await channel.consume(
      queue,
      (m) => m && probe.received.push(JSON.parse(m.content.toString())),
      {
        noAck: true,
      },
    );
    return probe;
  }

  /** of lists the payloads received under `pattern`. */
  of<T = Record<string, unknown>>(pattern: string): T[] {
    return this.received.filter((r) => r.pattern === pattern).map((r) => r.data as T);
  }

  /** next waits for a payload under `pattern` matching `match`. */
  next<T = Record<string, unknown>>(
    pattern: string,
    match: (data: T) => boolean = () => true,
    timeoutMs = 20000,
  ): Promise<T> {
    return waitFor(() => this.of<T>(pattern).find(match), {
      timeoutMs,
      what: `a ${pattern} event`,
    });
  }

  async close(): Promise<void> {
    await this.channel.close().catch(() => undefined);
    await this.connection.close().catch(() => undefined);
  }
}

/** deleteNamespace removes what a test namespace created on the broker (see libs/testing). */
export function deleteNamespace(config: MessagingConfig, _services?: ServiceName[]): Promise<void> {
  return deleteTestNamespace(config.AMQP_NAMESPACE);
}

/** RawAnswer is a query's reply as it travels on the wire. */
export type RawAnswer =
  | { ok: true; data: unknown }
  | { ok: false; error: { code: string; message: string; fields?: Record<string, string[]> } };

/**
 * rawQuery sends a query straight to a service's query queue, without the MessageBus (which
 * validates before sending): it shows what the service itself answers to a bad payload.
 */
export async function rawQuery(
  config: MessagingConfig,
  service: ServiceName,
  pattern: string,
  data: unknown,
  timeoutMs = 5000,
): Promise<RawAnswer> {
  const connection = await connect(config.AMQP_URL);
  try {
    const channel = await connection.createChannel();
    let answer: (a: RawAnswer) => void = () => undefined;
    const reply = new Promise<RawAnswer>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer to ${pattern}`)), timeoutMs);
      answer = (a) => {
        clearTimeout(timer);
        resolve(a);
      };
    });
    await channel.consume(
      'amq.rabbitmq.reply-to',
      (m) => m && answer(JSON.parse(m.content.toString()) as RawAnswer),
      { noAck: true },
    );
    channel.sendToQueue(
      queueNames(service, config.AMQP_NAMESPACE).queries,
      Buffer.from(JSON.stringify({ pattern, data })),
      { replyTo: 'amq.rabbitmq.reply-to', correlationId: 'raw', contentType: 'application/json' },
    );
    return await reply;
  } finally {
    await connection.close();
  }
}
