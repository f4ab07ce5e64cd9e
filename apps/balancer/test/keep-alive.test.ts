import { mkdtempSync, rmSync } from 'fs';
import { createServer, Server, ServerResponse } from 'http';
import { AddressInfo, Socket } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';
import { UPSTREAM_IDLE_SOCKET_MS, WORKER_KEEP_ALIVE_TIMEOUT_MS } from '@app/contracts';
import { BALANCER_ADMIN_AUTH, FAST_BALANCER_ENV, waitFor } from '@app/testing';
import { RunningBalancer, startBalancer } from '../src/balancer.app';
import { loadBalancerConfig } from '../src/balancer.config';

/**
 * RacingBackend closes a kept-alive connection that was idle for `idleMs` when the next request
 * arrives on it, without answering: the outcome of the keep-alive race (issue #9), where the
 * worker closes an idle socket just as the balancer sends a request on it, made certain instead of
 * rare. It announces no `Keep-Alive: timeout=` (many servers do not), so the balancer's own idle
 * limit is all that protects it.
 */
class RacingBackend {
  /** Requests that arrived on a connection the backend had given up on. */
  raced = 0;
  private readonly idleSince = new WeakMap<Socket, number>();
  private readonly server: Server;

  constructor(private readonly idleMs: number) {
    this.server = createServer((req, res) => {
      const since = this.idleSince.get(req.socket);
      this.idleSince.delete(req.socket);
      if (since !== undefined && Date.now() - since >= this.idleMs) {
        this.raced += 1;
        req.socket.destroy();
        return;
      }
      req.resume();
      req.on('end', () => this.answer(req.url ?? '/', res));
    });
    // No timer of its own and no Keep-Alive header: idle sockets stay open until they race.
    this.server.keepAliveTimeout = 0;
  }

  private answer(url: string, res: ServerResponse): void {
    res.on('finish', () => this.idleSince.set(res.req.socket, Date.now()));
    const delay = Number(/[?&]sleep=(\d+)/.exec(url)?.[1] ?? 0);
    setTimeout(() => res.end('ok'), delay);
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('balancer keep-alive to the workers (no spurious 502)', () => {
  let balancer: RunningBalancer | undefined;
  let backend: RacingBackend | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'ebbflow-balancer-keepalive-'));

  afterEach(async () => {
    await balancer?.close();
    await backend?.close();
    balancer = backend = undefined;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function setUp(idleMs: number): Promise<string> {
    backend = new RacingBackend(idleMs);
    const address = await backend.listen();
    balancer = await startBalancer(
      loadBalancerConfig({
        ...FAST_BALANCER_ENV,
        BALANCER_STATE_FILE: join(dir, `targets-${idleMs}.json`),
      }),
      { logger: false },
    );
    const admin = (path: string, init: RequestInit = {}) =>
      fetch(balancer!.adminUrl + path, {
        ...init,
        headers: { ...BALANCER_ADMIN_AUTH, 'content-type': 'application/json' },
      });
    await admin('/targets/i-0000race', { method: 'PUT', body: JSON.stringify({ address }) });
    await waitFor(
      async () =>
        ((await (await admin('/targets')).json()) as { health: string }[])[0]?.health === 'healthy',
      { what: 'the backend healthy' },
    );
    return balancer.proxyUrl;
  }

  /** burst sends `count` requests at once and returns the status of each. */
  async function burst(url: string, count: number, init: RequestInit = {}): Promise<number[]> {
    return Promise.all(
      Array.from({ length: count }, async () => {
        const res = await fetch(url, init);
        await res.arrayBuffer();
        return res.status;
      }),
    );
  }

  it('should retry a bodyless request that failed on a reused socket before any answer: 0 failures', async () => {
    // Far below UPSTREAM_IDLE_SOCKET_MS: closing idle sockets first cannot help, the retry must.
    const proxyUrl = await setUp(300);
    const statuses: number[] = [];
    for (let round = 0; round < 5; round++) {
      statuses.push(...(await burst(`${proxyUrl}/page?round=${round}`, 8)));
      await sleep(450);
    }
    // The backend did drop requests on reused connections: without the retry each was a 502.
    expect(backend!.raced).toBeGreaterThan(0);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
  });

  it('should close idle upstream sockets before the worker does: 0 failed uploads across idle gaps', async () => {
    expect(UPSTREAM_IDLE_SOCKET_MS).toBeLessThan(WORKER_KEEP_ALIVE_TIMEOUT_MS);
    // A backend that drops connections idle for the worker's keep-alive timeout.
    const proxyUrl = await setUp(WORKER_KEEP_ALIVE_TIMEOUT_MS);
    const upload = { method: 'POST', body: 'x'.repeat(64 * 1024) };
    const statuses: number[] = [];
    for (let round = 0; round < 3; round++) {
      if (round > 0) await sleep(WORKER_KEEP_ALIVE_TIMEOUT_MS + 200);
      statuses.push(...(await burst(`${proxyUrl}/upload`, 6, upload)));
    }
    // Uploads with a body already read cannot be retried: only closing first avoids the race.
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect(backend!.raced).toBe(0);
    // The idle limit applies to idle sockets only: a worker thinking longer still answers.
    const slow = await fetch(`${proxyUrl}/slow?sleep=${UPSTREAM_IDLE_SOCKET_MS + 500}`);
    expect(slow.status).toBe(200);
  });
});
