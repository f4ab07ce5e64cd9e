/**
 * jest.global-setup.js removes the queues and exchanges that earlier test runs left behind on the
 * broker (every test uses its own AMQP namespace, `<prefix>-<8 hex>.ebbflow.…`; a run killed
 * half-way cannot delete its own), and the vhosts of tests that drop connections
 * (`ebbflow-…-<8 hex>`, see TestVhost). Only what has been idle for IDLE_MS is removed: a
 * namespace none of whose queues had a consumer, a vhost without a connection, at every setup
 * since one first saw it so (remembered in a marker file). A namespace with no consumer *right
 * now* may belong to a run that has declared its queues and not consumed yet; deleting it would
 * break that run. Production names (no namespace, the default vhost) are never touched. Without
 * rabbitmqctl (a remote broker) it does nothing.
 */
const { execFileSync } = require('child_process');
const { readFileSync, writeFileSync } = require('fs');
const os = require('os');
const path = require('path');
const amqplib = require('amqplib');

const TEST_NAME = /^[a-z0-9-]+-[0-9a-f]{8}\.ebbflow\./;
const TEST_VHOST = /^ebbflow-[a-z0-9/-]*-[0-9a-f]{8}$/;
/** Longer than any test file runs: idle this long, a namespace or vhost is a leftover. */
const IDLE_MS = 15 * 60 * 1000;
const MARKER = path.join(os.tmpdir(), `ebbflow-test-idle-${os.userInfo().uid}.json`);

function rows(args) {
  try {
    return execFileSync('rabbitmqctl', ['-q', ...args], { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .filter(([first]) => first);
  } catch {
    return null;
  }
}

const namespaceOf = (name) => name.slice(0, name.indexOf('.ebbflow.'));

function readMarker() {
  try {
    return JSON.parse(readFileSync(MARKER, 'utf8'));
  } catch {
    return {};
  }
}

module.exports = async function globalSetup() {
  const queueRows = rows(['list_queues', '--no-table-headers', 'name', 'consumers']);
  const exchangeRows = rows(['list_exchanges', '--no-table-headers', 'name']);
  const vhostRows = rows(['list_vhosts', '--no-table-headers', 'name']);
  const connectionRows = rows(['list_connections', '--no-table-headers', 'vhost']);
  if (!queueRows || !exchangeRows || !vhostRows || !connectionRows) return;
  const testQueues = queueRows.filter(([n]) => TEST_NAME.test(n));
  const testExchanges = exchangeRows.map(([n]) => n).filter((n) => TEST_NAME.test(n));
  const busy = new Set(testQueues.filter(([, c]) => Number(c) > 0).map(([n]) => namespaceOf(n)));
  const connected = new Set(connectionRows.map(([v]) => v));
  const idleNow = [...new Set([...testQueues.map(([n]) => n), ...testExchanges].map(namespaceOf))]
    .filter((ns) => !busy.has(ns))
    .map((ns) => `ns:${ns}`)
    .concat(
      vhostRows
        .map(([v]) => v)
        .filter((v) => TEST_VHOST.test(v) && !connected.has(v))
        .map((v) => `vhost:${v}`),
    );
  // Keep the first time each one was seen idle; forget whatever is busy again or gone.
  const seen = readMarker();
  const now = Date.now();
  const marker = Object.fromEntries(idleNow.map((k) => [k, seen[k] ?? now]));
  const old = new Set(idleNow.filter((k) => now - marker[k] >= IDLE_MS));
  for (const k of old) delete marker[k];
  try {
    writeFileSync(MARKER, JSON.stringify(marker));
  } catch {
    // No marker, no memory: nothing is old enough, nothing is removed.
    return;
  }
  const isOld = (name) => old.has(`ns:${namespaceOf(name)}`);
  const queues = testQueues.map(([n]) => n).filter(isOld);
  const exchanges = testExchanges.filter(isOld);
  const vhosts = [...old].filter((k) => k.startsWith('vhost:')).map((k) => k.slice(6));
  if (queues.length || exchanges.length) {
    const conn = await amqplib.connect(process.env.AMQP_URL || 'amqp://guest:guest@127.0.0.1:5672');
    try {
      const ch = await conn.createChannel();
      for (const q of queues) await ch.deleteQueue(q);
      for (const e of exchanges) await ch.deleteExchange(e);
      await ch.close();
    } finally {
      await conn.close();
    }
  }
  for (const v of vhosts) rows(['delete_vhost', v]);
  if (queues.length || exchanges.length || vhosts.length) {
    process.stdout.write(
      `\nremoved ${queues.length} queues, ${exchanges.length} exchanges and ${vhosts.length} vhosts left by earlier test runs\n`,
    );
  }
};
