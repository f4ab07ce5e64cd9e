import 'reflect-metadata';
import { BALANCER_ADMIN_AUTH, FaultyTcpProxy, TcpProxyMode, waitFor } from '@app/testing';
import { FleetEnvironment } from './support/fleet-environment';

/** OUTAGE_MS: how long the dependency is slow or down (issue #9's incident lasted longer). */
const OUTAGE_MS = 20000;

interface DeepBody {
  status: string;
  dependencies: Record<string, { state: string; lastError: string | null }>;
}

interface TargetBody {
  id: string;
  address: string;
  health: string;
}

/**
 * A shared dependency of every worker (MySQL, the S3 server) slow or unreachable must not take
 * the pool out (issue #9): real worker processes behind the real balancer, managed by the real
 * fleet with a short unhealthy grace, reach MySQL and S3 through FaultyTcpProxy. While one is
 * stalled or refused for 20 s, no worker is replaced (same ids and pids), every balancer target
 * stays healthy, and each worker's /health/deep reports the dependency down, then up again.
 */
describe('workers through a dependency outage (real workers, balancer, fleet, MySQL, S3)', () => {
  const env = new FleetEnvironment();
  let dbProxy: FaultyTcpProxy;
  let s3Proxy: FaultyTcpProxy;

  beforeAll(async () => {
    await env.start();
    const database = new URL(env.databaseUrl);
    const s3 = new URL(String(env.workerEnv.S3_ENDPOINT));
    dbProxy = await FaultyTcpProxy.start(database.hostname, Number(database.port || 3306));
    s3Proxy = await FaultyTcpProxy.start(s3.hostname, Number(s3.port));
    database.host = `127.0.0.1:${dbProxy.port}`;
    s3.host = `127.0.0.1:${s3Proxy.port}`;
    env.workerEnv = {
      ...env.workerEnv,
      DATABASE_URL: database.toString(),
      S3_ENDPOINT: s3.origin,
      WORKER_HEALTH_PROBE_INTERVAL_MS: '500',
      WORKER_HEALTH_PROBE_TIMEOUT_MS: '1000',
    };
    // A short grace: with /health tied to the dependencies, 20 s of outage replaced every worker.
    env.config = { ...env.config, INITIAL_WORKERS: 2, FLEET_UNHEALTHY_GRACE_S: 8 };
    await env.startFleet();
  });

  afterAll(async () => {
    await env.close();
    await dbProxy?.close();
    await s3Proxy?.close();
  });

  const targets = async (): Promise<TargetBody[]> => {
    const res = await fetch(`${env.balancer.adminUrl}/targets`, { headers: BALANCER_ADMIN_AUTH });
    return ((await res.json()) as TargetBody[]).sort((a, b) => a.id.localeCompare(b.id));
  };
  const deep = async (address: string): Promise<DeepBody> =>
    (await (await fetch(`http://${address}/health/deep`)).json()) as DeepBody;

  it.each<[string, 'database' | 'bucket', TcpProxyMode]>([
    ['MySQL stalled', 'database', 'stall'],
    ['the S3 server refusing connections', 'bucket', 'refuse'],
  ])(
    'should keep every worker and a healthy pool with %s for 20 s, /health/deep saying so',
    async (_, dependency, mode) => {
      const workers = await env.waitForPool(2, 120000);
      const ids = workers.map((w) => w.id).sort();
      const pids = await Promise.all(ids.map((id) => env.pidOf(id)));
      const addresses = (await targets()).map((t) => t.address);
      for (const address of addresses) {
        await waitFor(async () => (await deep(address)).status === 'ok', {
          timeoutMs: 30000,
          what: `${address} /health/deep ok before the outage`,
        });
      }

      const eventsBefore = env.events.length;
      const proxy = dependency === 'database' ? dbProxy : s3Proxy;
      proxy.setMode(mode);
      const unhealthySeen: string[] = [];
      const downSeen = new Set<string>();
      const end = Date.now() + OUTAGE_MS;
      try {
        while (Date.now() < end) {
          for (const t of await targets()) {
            if (t.health !== 'healthy') unhealthySeen.push(`${t.id} ${t.health}`);
          }
          for (const address of addresses) {
            const body = await deep(address);
            if (body.dependencies[dependency].state === 'down') downSeen.add(address);
          }
          const served = await fetch(`${env.balancer.proxyUrl}/health`);
          if (served.status !== 200) unhealthySeen.push(`balancer /health ${served.status}`);
          await new Promise((r) => setTimeout(r, 500));
        }
      } finally {
        proxy.setMode('pass');
      }

      // Every worker saw the dependency down, and none was ever unhealthy for the balancer.
      expect([...downSeen].sort()).toEqual([...addresses].sort());
      expect(unhealthySeen).toEqual([]);
      for (const address of addresses) {
        const body = await waitFor(
          async () => {
            const answer = await deep(address);
            return answer.dependencies[dependency].state === 'up' ? answer : null;
          },
          { timeoutMs: 30000, what: `${address} to report ${dependency} up again` },
        );
        expect(body.status).toBe('ok');
        expect(body.dependencies[dependency].lastError).toBeTruthy();
      }
      // The same workers, the same processes: nothing was replaced.
      const after = (await env.list()).workers;
      expect(after.map((w) => w.id).sort()).toEqual(ids);
      expect(after.every((w) => w.state === 'running' && w.health === 'healthy')).toBe(true);
      expect(await Promise.all(ids.map((id) => env.pidOf(id)))).toEqual(pids);
      expect(
        env.events.slice(eventsBefore).filter((e) => e.pattern === 'fleet.instance-state'),
      ).toEqual([]);
    },
  );
});
