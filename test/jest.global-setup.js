/**
 * jest.global-setup.js removes the queues and exchanges that earlier test runs left behind on the
 * broker (every test uses its own AMQP namespace, `<prefix>-<8 hex>.ebbflow.…`; a run killed
 * half-way cannot delete its own). Production names (no namespace) are never touched. Without
 * rabbitmqctl (a remote broker) it does nothing.
 */
const { execFileSync } = require('child_process');
const amqplib = require('amqplib');

const TEST_NAME = /^[a-z0-9-]+-[0-9a-f]{8}\.ebbflow\./;

function list(kind) {
  try {
    return execFileSync('rabbitmqctl', ['-q', kind, 'name'], { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => TEST_NAME.test(l));
  } catch {
    return [];
  }
}

module.exports = async function globalSetup() {
  const queues = list('list_queues');
  const exchanges = list('list_exchanges');
  if (!queues.length && !exchanges.length) return;
  const conn = await amqplib.connect(process.env.AMQP_URL || 'amqp://guest:guest@127.0.0.1:5672');
  try {
    const ch = await conn.createChannel();
    for (const q of queues) await ch.deleteQueue(q);
    for (const e of exchanges) await ch.deleteExchange(e);
    await ch.close();
  } finally {
    await conn.close();
  }
  process.stdout.write(`\nremoved ${queues.length} queues and ${exchanges.length} exchanges left by earlier test runs\n`);
};
