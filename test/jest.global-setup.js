/**
 * jest.global-setup.js removes the queues and exchanges that earlier test runs left behind on the
 * broker (every test uses its own AMQP namespace, `<prefix>-<8 hex>.ebbflow.…`; a run killed
 * half-way cannot delete its own). A namespace any of whose queues still has a consumer belongs
 * to a run in progress and is left alone; production names (no namespace) are never touched.
 * Without rabbitmqctl (a remote broker) it does nothing.
 */
const { execFileSync } = require('child_process');
const amqplib = require('amqplib');

const TEST_NAME = /^[a-z0-9-]+-[0-9a-f]{8}\.ebbflow\./;

function list(kind, columns) {
  try {
    return execFileSync('rabbitmqctl', ['-q', kind, ...columns], {
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .toString()
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .filter(([name]) => TEST_NAME.test(name || ''));
  } catch {
    return [];
  }
}

const namespaceOf = (name) => name.slice(0, name.indexOf('.ebbflow.'));

module.exports = async function globalSetup() {
  const queueRows = list('list_queues', ['name', 'consumers']);
  const busy = new Set(queueRows.filter(([, c]) => Number(c) > 0).map(([n]) => namespaceOf(n)));
  const queues = queueRows.map(([n]) => n).filter((n) => !busy.has(namespaceOf(n)));
  const exchanges = list('list_exchanges', ['name'])
    .map(([n]) => n)
    .filter((n) => !busy.has(namespaceOf(n)));
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
  process.stdout.write(
    `\nremoved ${queues.length} queues and ${exchanges.length} exchanges left by earlier test runs\n`,
  );
};
