import { exchangeNames, MANAGER_SERVICES, queueNames, ServiceName } from '@app/contracts';
import amqp from 'amqplib';

/** testAmqpUrl is the broker tests use (AMQP_URL or the local default). */
export const testAmqpUrl = process.env.AMQP_URL || 'amqp://guest:guest@127.0.0.1:5672';

/**
 * deleteNamespace removes every queue and exchange a test namespace created on the broker, so
 * test runs leave nothing behind.
 */
export async function deleteNamespace(namespace: string): Promise<void> {
  const connection = await amqp.connect(testAmqpUrl);
  try {
    const channel = await connection.createChannel();
    const services: ServiceName[] = [...MANAGER_SERVICES, 'gateway'];
    for (const service of services) {
      const names = queueNames(service, namespace);
      for (const queue of [names.commands, names.queries, names.events, names.deadLetter]) {
        await channel.deleteQueue(queue);
      }
    }
    const exchanges = exchangeNames(namespace);
    await channel.deleteExchange(exchanges.events);
    await channel.deleteExchange(exchanges.deadLetter);
    await channel.close();
  } finally {
    await connection.close();
  }
}
