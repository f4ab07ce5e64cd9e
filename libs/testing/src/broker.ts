import { exchangeNames, MANAGER_SERVICES, queueNames, ServiceName } from '@app/contracts';
import amqp from 'amqplib';
import { execFile } from 'child_process';
import { randomBytes } from 'crypto';
import { promisify } from 'util';

/** testAmqpUrl is the broker tests use (AMQP_URL or the local default). */
export const testAmqpUrl = process.env.AMQP_URL || 'amqp://guest:guest@127.0.0.1:5672';

/**
 * deleteNamespace removes every queue and exchange a test namespace created on the broker, so
 * test runs leave nothing behind. `url` names the vhost (default: the tests' broker).
 */
export async function deleteNamespace(namespace: string, url = testAmqpUrl): Promise<void> {
  const connection = await amqp.connect(url);
  try {
    const channel = await connection.createChannel();
    const services: ServiceName[] = [...MANAGER_SERVICES, 'gateway'];
    for (const service of services) {
      const names = queueNames(service, namespace);
      const { legacy } = names;
      for (const queue of [
        names.commands,
        names.queries,
        names.events,
        names.deadLetter,
        legacy.events,
        legacy.deadLetter,
      ]) {
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

const rabbitmqctl = async (...args: string[]): Promise<string> =>
  (await promisify(execFile)('rabbitmqctl', ['-q', ...args])).stdout;

/** vhostUrl is `base` (an amqp:// URL) pointed at `vhost`, percent-encoded as the AMQP URI spec says. */
export function vhostUrl(base: string, vhost: string): string {
  const url = new URL(base);
  url.pathname = `/${encodeURIComponent(vhost)}`;
  return url.toString();
}

/**
 * TestVhost is a RabbitMQ virtual host of one test (`rabbitmqctl add_vhost`, permissions for the
 * URL's user), for tests that drop connections: `closeConnections` closes only this vhost's, never
 * another test's or a developer's stack on the shared broker. `delete` removes the vhost and
 * everything in it.
 */
export class TestVhost {
  private constructor(
    readonly name: string,
    /** The tests' broker URL pointed at this vhost. */
    readonly url: string,
  ) {}

  /** create adds a vhost named `<prefix>-<8 hex>` and grants the URL's user everything in it. */
  static async create(prefix = 'ebbflow-test'): Promise<TestVhost> {
    const name = `${prefix}-${randomBytes(4).toString('hex')}`;
    const user = decodeURIComponent(new URL(testAmqpUrl).username) || 'guest';
    await rabbitmqctl('add_vhost', name);
    await rabbitmqctl('set_permissions', '-p', name, user, '.*', '.*', '.*');
    return new TestVhost(name, vhostUrl(testAmqpUrl, name));
  }

  /** connectionPids lists the broker's ids of the connections open in this vhost right now. */
  async connectionPids(): Promise<string[]> {
    const out = await rabbitmqctl('list_connections', '--no-table-headers', 'pid', 'vhost');
    return out
      .split('\n')
      .map((line) => line.trim().split(/\s+/))
      .filter(([pid, vhost]) => pid && vhost === this.name)
      .map(([pid]) => pid!);
  }

  /** closeConnections closes every connection of this vhost (and only those) with `reason`. */
  async closeConnections(reason: string): Promise<void> {
    await rabbitmqctl('close_all_connections', '--vhost', this.name, reason);
  }

  /** delete removes the vhost with its queues and exchanges (its connections are closed). */
  async delete(): Promise<void> {
    await rabbitmqctl('delete_vhost', this.name);
  }
}
