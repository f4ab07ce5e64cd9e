import { exchangeNames } from '@app/contracts';
import { testAmqpUrl } from '@app/testing';
import amqp, { Channel, ChannelModel } from 'amqplib';

/** RecordedEvent is one event seen on the topic exchange. */
export interface RecordedEvent<T = Record<string, unknown>> {
  pattern: string;
  data: T;
}

/**
 * EventRecorder binds a private, auto-deleted queue to a namespace's events exchange and keeps
 * every event of the given patterns, so a test can assert what a service announced.
 */
export class EventRecorder {
  readonly events: RecordedEvent[] = [];

  private constructor(
    private readonly connection: ChannelModel,
    private readonly channel: Channel,
  ) {}

  static async start(namespace: string, patterns: string[]): Promise<EventRecorder> {
    const connection = await amqp.connect(testAmqpUrl);
    const channel = await connection.createChannel();
    const recorder = new EventRecorder(connection, channel);
    const exchange = exchangeNames(namespace).events;
    await channel.assertExchange(exchange, 'topic', { durable: true });
    const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
    for (const p of patterns) await channel.bindQueue(queue, exchange, p);
    await channel.consume(
      queue,
      (msg) => {
        if (!msg) return;
        recorder.events.push(JSON.parse(msg.content.toString('utf8')) as RecordedEvent);
      },
      { noAck: true },
    );
    return recorder;
  }

  /** of lists the payloads of one pattern, oldest first. */
  of<T>(pattern: string): T[] {
    return this.events.filter((e) => e.pattern === pattern).map((e) => e.data as T);
  }

  async close(): Promise<void> {
    await this.channel.close().catch(() => undefined);
    await this.connection.close().catch(() => undefined);
  }
}
