import { createServer } from 'net';
import { randomBytes } from 'crypto';
import { AMQP_ENV, loadConfig } from '@app/config';

/** freePort asks the OS for a free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** uniqueName returns `<prefix>-<random hex>` (lowercase, safe for queues, buckets, databases). */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

import { testAmqpUrl } from './broker';

export * from './broker';

/** testMessagingConfig is a messaging config with its own namespace, so tests never share queues. */
export function testMessagingConfig(namespace = uniqueName('t')) {
  return loadConfig(AMQP_ENV, {
    AMQP_URL: testAmqpUrl,
    AMQP_NAMESPACE: namespace,
    QUERY_TIMEOUT_MS: '2000',
  });
}

/** testDatabaseUrl returns a URL of a fresh database name on the test server (created on use). */
export function testDatabaseUrl(prefix = 'ebbflow_test'): string {
  const base = process.env.TEST_MYSQL_URL || 'mysql://root@127.0.0.1:3306/';
  const url = new URL(base);
  url.pathname = `/${prefix}_${randomBytes(4).toString('hex')}`;
  return url.toString();
}

/** waitFor polls `check` until it returns a truthy value or `timeoutMs` passes. */
export async function waitFor<T>(
  check: () => Promise<T> | T,
  { timeoutMs = 20000, intervalMs = 200, what = 'condition' } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}` +
      (lastError ? `: ${(lastError as Error).message}` : ''),
  );
}
export * from './chromium';
export * from './process';
export * from './balancer';
export * from './app-data';
export * from './tcp-proxy';
