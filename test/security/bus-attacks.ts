import { exchangeNames, FLEET_GROW, HEADERS, queueNames } from '@app/contracts';
import amqp from 'amqplib';

/** BusAttackContext is the stack's broker vhost and its own user. */
export interface BusAttackContext {
  host: string;
  port: number;
  vhost: string;
  /** The stack's broker user (its password is not given to the rows: they must not have it). */
  stackUser: string;
  /** AMQP_NAMESPACE of the stack. */
  namespace: string;
}

/** BusAttack is one attempt on the stack's broker vhost; it must be refused by the broker. */
export interface BusAttack {
  name: string;
  user: (c: BusAttackContext) => string;
  password: string;
  act: (channel: amqp.ConfirmChannel, c: BusAttackContext) => Promise<void>;
}

/** A forged "grow the pool by 5" command, as the gateway would send it. */
const GROW = Buffer.from(JSON.stringify({ pattern: FLEET_GROW.pattern, data: { count: 5 } }));

const publishGrow = async (channel: amqp.ConfirmChannel, c: BusAttackContext) => {
  channel.sendToQueue(queueNames('fleet', c.namespace).commands, GROW, {
    contentType: 'application/json',
    headers: { [HEADERS.pattern]: FLEET_GROW.pattern },
  });
  await channel.waitForConfirms();
};

const guest = () => 'guest';

/**
 * BUS_ATTACKS try to command the fleet (or read or forge its messages) on the stack's vhost
 * without the stack's credentials: guest (no permission on that vhost), the stack's user name
 * with a wrong or empty password, and an unknown user.
 */
export const BUS_ATTACKS: BusAttack[] = [
  {
    name: "publish fleet.grow to the fleet's command queue as guest",
    user: guest,
    password: 'guest',
    act: publishGrow,
  },
  {
    name: "publish fleet.grow to the fleet's command queue as the stack's user, wrong password",
    user: (c) => c.stackUser,
    password: 'guest',
    act: publishGrow,
  },
  {
    name: "publish fleet.grow to the fleet's command queue as the stack's user, empty password",
    user: (c) => c.stackUser,
    password: '',
    act: publishGrow,
  },
  {
    name: "publish fleet.grow to the fleet's command queue as an unknown user",
    user: () => 'ebbflow-attacker',
    password: 'attacker',
    act: publishGrow,
  },
  {
    name: "consume the fleet's command queue as guest (steal commands)",
    user: guest,
    password: 'guest',
    act: async (channel, c) => {
      await channel.consume(queueNames('fleet', c.namespace).commands, () => undefined);
    },
  },
  {
    name: 'publish a forged event on the events exchange as guest',
    user: guest,
    password: 'guest',
    act: async (channel, c) => {
      channel.publish(exchangeNames(c.namespace).events, 'fleet.worker-launched', GROW);
      await channel.waitForConfirms();
    },
  },
  {
    name: "delete the fleet's command queue as guest",
    user: guest,
    password: 'guest',
    act: async (channel, c) => {
      await channel.deleteQueue(queueNames('fleet', c.namespace).commands);
    },
  },
];

/**
 * BROKER_REFUSALS are the broker's refusals as amqplib reports them: ACCESS_REFUSED (403, wrong
 * credentials), NOT_ALLOWED (530) or ACCESS_REFUSED on a channel (no permission), and a
 * connection closed by the broker in answer to Connection.Open (amqplib then says "Expected
 * ConnectionOpenOk; got <ConnectionClose …>" without the reason: RabbitMQ's NOT_ALLOWED for a
 * user without permission on the vhost; the suite checks that guest has none).
 */
export const BROKER_REFUSALS =
  /ACCESS_REFUSED|NOT_ALLOWED|Expected ConnectionOpenOk; got <ConnectionClose channel:0>/;

/** BusAttackResult says whether the broker refused, and with what. */
export interface BusAttackResult {
  refused: boolean;
  error: string;
}

/**
 * runBusAttack connects as the row says and does what it says; refused means the broker
 * answered ACCESS_REFUSED (wrong credentials) or NOT_ALLOWED / 403 (no permission).
 */
export async function runBusAttack(
  attack: BusAttack,
  context: BusAttackContext,
): Promise<BusAttackResult> {
  let connection: amqp.ChannelModel | undefined;
  try {
    connection = await amqp.connect({
      protocol: 'amqp',
      hostname: context.host,
      port: context.port,
      username: attack.user(context),
      password: attack.password,
      vhost: context.vhost,
    });
    // A channel error also closes the connection with an error event: keep it from throwing.
    connection.on('error', () => undefined);
    const channel = await connection.createConfirmChannel();
    channel.on('error', () => undefined);
    await attack.act(channel, context);
    await channel.close();
    return { refused: false, error: 'the broker accepted it' };
  } catch (error) {
    const message = (error as Error).message;
    return {
      refused: BROKER_REFUSALS.test(message),
      error: message,
    };
  } finally {
    await connection?.close().catch(() => undefined);
  }
}
