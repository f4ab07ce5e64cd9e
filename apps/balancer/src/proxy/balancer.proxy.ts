import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { Agent, ClientRequest, createServer, IncomingMessage, Server, ServerResponse } from 'http';
import { AddressInfo } from 'net';
import { createProxyServer, ProxyServer } from 'http-proxy-3';
import { UPSTREAM_IDLE_SOCKET_MS, WORKER_METRICS_PATH } from '@app/contracts';
import { BALANCER_CONFIG, BalancerConfig } from '../balancer.config';
import { Target } from '../targets/target';
import { TargetRegistry } from '../targets/target.registry';
import { setForwardedHeaders } from './forwarded-headers';
import { sendBalancerError } from './proxy-response';

/**
 * NO_TARGET_MESSAGE is the 503 message when no worker is registered. With targets registered but
 * none healthy the balancer fails open instead (TargetRegistry.pick).
 */
export const NO_TARGET_MESSAGE = 'no worker is registered behind the balancer';

/** NOT_PUBLIC_MESSAGE is the 404 message for a worker path the balancer does not forward. */
export const NOT_PUBLIC_MESSAGE = 'no such page';

/** SHUTDOWN_GRACE_MS is how long a stopping balancer lets in-flight requests finish. */
export const SHUTDOWN_GRACE_MS = 5000;

/**
 * RETRYABLE_METHODS are the idempotent methods a refused connection may be retried for on the
 * next target (once, and only without a request body, which was consumed by then).
 */
const RETRYABLE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);

/**
 * STALE_SOCKET_CODES are the errors of a request sent on a kept-alive socket the worker closed in
 * the meantime (the keep-alive race): the worker never saw the request.
 */
const STALE_SOCKET_CODES = new Set(['ECONNRESET', 'EPIPE']);

/** IdleTimeoutError marks a target that sent nothing for BALANCER_IDLE_TIMEOUT_MS. */
class IdleTimeoutError extends Error {
  readonly code = 'EBALANCERIDLE';
}

/**
 * BalancerProxy is the public side of the balancer: a plain Node HTTP server (no Nest pipeline
 * per request) that forwards each request, streamed both ways by http-proxy-3, to the next
 * healthy target in round-robin order (every registered target when none is healthy: it fails
 * open), counting it in flight while it lasts.
 */
@Injectable()
export class BalancerProxy implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Proxy');
  /**
   * Idle sockets are closed after UPSTREAM_IDLE_SOCKET_MS, below the worker's keep-alive timeout
   * (Node's agent also honours a shorter `Keep-Alive: timeout=` a worker announces).
   */
  private readonly agent = new Agent({ keepAlive: true, timeout: UPSTREAM_IDLE_SOCKET_MS });
  private readonly proxy: ProxyServer;
  /** The request to the worker of each proxied request (the latest attempt's). */
  private readonly upstream = new WeakMap<IncomingMessage, ClientRequest>();
  /** Proxied requests whose worker has started to answer: never retried. */
  private readonly answered = new WeakSet<IncomingMessage>();
  private readonly server: Server;

  constructor(
    private readonly registry: TargetRegistry,
    @Inject(BALANCER_CONFIG) private readonly config: BalancerConfig,
  ) {
    this.proxy = createProxyServer({ agent: this.agent, xfwd: false });
    this.proxy.on('proxyReq', (proxyReq, req) => {
      this.upstream.set(req, proxyReq);
      proxyReq.setTimeout(this.config.BALANCER_IDLE_TIMEOUT_MS, () =>
        proxyReq.destroy(new IdleTimeoutError('target sent nothing within the idle timeout')),
      );
    });
    this.proxy.on('proxyRes', (_proxyRes, req) => this.answered.add(req));
    // Errors go to each request's callback; this only keeps an unexpected one from crashing.
    this.proxy.on('error', (error) => this.logger.warn(`proxy error: ${error.message}`));
    this.server = createServer((req, res) => this.handle(req, res));
  }

  /** port is the port the proxy listens on (the real one when BALANCER_PORT is 0). */
  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  async onApplicationBootstrap(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.config.BALANCER_PORT, this.config.BALANCER_HOST, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.logger.log(`proxy listening on ${this.config.BALANCER_HOST}:${this.port}`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    const grace = new Promise<void>((resolve) => setTimeout(resolve, SHUTDOWN_GRACE_MS).unref());
    await Promise.race([closed, grace]);
    this.server.closeAllConnections();
    await closed;
    this.agent.destroy();
  }

  private isStaleSocketFailure(req: IncomingMessage, code: string | undefined): boolean {
    return staleSocketFailure(this.upstream.get(req), this.answered.has(req), req, code);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    if (isWorkerMetricsPath(req.url)) {
      sendBalancerError(req, res, 404, 'Not Found', NOT_PUBLIC_MESSAGE);
      return;
    }
    setForwardedHeaders(req);
    const picked = this.registry.pick();
    if (!picked) {
      sendBalancerError(req, res, 503, 'Service Unavailable', NO_TARGET_MESSAGE);
      return;
    }
    this.forward(req, res, picked.target, false, false);
  }

  private forward(
    req: IncomingMessage,
    res: ServerResponse,
    target: Target,
    retried: boolean,
    freshConnection: boolean,
  ): void {
    this.registry.acquire(target);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      res.off('close', release);
      this.registry.release(target);
    };
    // 'close' comes after the response is sent, and also when the client goes away early.
    res.on('close', release);
    let settled = false;
    const options = {
      target: `http://${target.address}`,
      // A retry after a stale kept-alive socket takes a new connection: the other idle sockets
      // to this worker are likely just as stale.
      ...(freshConnection ? { agent: false as const } : {}),
    };
    this.proxy.web(req, res, options, (error) => {
      // http-proxy-3 listens for errors of the incoming request once per attempt: answer once.
      if (settled) return;
      settled = true;
      release();
      if (res.writableEnded || res.destroyed) return;
      const code = (error as NodeJS.ErrnoException).code;
      if (!retried && this.isStaleSocketFailure(req, code)) {
        this.logger.warn(
          `${target.id}: ${req.method} ${req.url} failed on a reused connection (${code}); retried once on a new one`,
        );
        this.forward(req, res, target, true, true);
        return;
      }
      if (code === 'ECONNREFUSED' && !retried && isRetryable(req)) {
        const next = this.registry.pick(target.id)?.target;
        if (next) {
          this.logger.warn(
            `${target.id} refused a connection; ${req.method} retried on ${next.id}`,
          );
          this.forward(req, res, next, true, false);
          return;
        }
      }
      if (error instanceof IdleTimeoutError) {
        this.logger.warn(`${target.id} timed out on ${req.method} ${req.url}`);
        sendBalancerError(req, res, 504, 'Gateway Timeout', 'the worker did not answer in time');
        return;
      }
      this.logger.warn(`${target.id} failed ${req.method} ${req.url}: ${code ?? error.message}`);
      sendBalancerError(
        req,
        res,
        502,
        'Bad Gateway',
        code === 'ECONNREFUSED'
          ? 'the worker refused the connection'
          : `the worker failed to answer (${code ?? error.message})`,
      );
    });
  }
}

/**
 * staleSocketFailure tells whether a failed attempt lost the keep-alive race: the request went
 * out on a reused socket that broke before any byte of the answer came back, so the worker closed
 * it without seeing the request. Sending it again is safe when its body (if any) has not been read
 * yet, i.e. it can be sent whole once more. The method does not matter: the worker (almost
 * surely) never saw it; one that died while handling it looks the same, hence once only.
 */
export function staleSocketFailure(
  proxyReq: Pick<ClientRequest, 'reusedSocket'> | undefined,
  answered: boolean,
  req: Pick<IncomingMessage, 'headers' | 'readableDidRead'>,
  code: string | undefined,
): boolean {
  if (!proxyReq?.reusedSocket || answered || !STALE_SOCKET_CODES.has(code ?? '')) return false;
  return !hasBody(req) || !req.readableDidRead;
}

/**
 * isWorkerMetricsPath tells whether a request target reaches the worker's metrics. It matches as
 * the worker's router would (Express: case-insensitive, a trailing slash ignored, %-escapes
 * decoded, an absolute-form target's path) after the proxy resolved its dot segments, so that no
 * spelling of it gets through.
 */
export function isWorkerMetricsPath(url: string | undefined): boolean {
  let path = url ?? '/';
  if (!path.startsWith('/')) {
    try {
      path = new URL(path).pathname;
    } catch {
      return false;
    }
  }
  path = path.split(/[?#]/)[0];
  try {
    path = decodeURIComponent(path);
  } catch {
    // A broken %-escape: the worker answers 400; compare it as it is.
  }
  // Dot segments resolved (and `\` read as `/`) as the proxy does before forwarding: http-proxy-3
  // parses the path as a WHATWG URL, so `/api/../metrics` reaches the worker as `/metrics`.
  const segments: string[] = [];
  for (const segment of path.toLowerCase().split(/[\\/]/)) {
    if (segment === '..') segments.pop();
    else if (segment !== '' && segment !== '.') segments.push(segment);
  }
  const normalized = `/${segments.join('/')}`;
  return normalized === WORKER_METRICS_PATH || normalized.startsWith(`${WORKER_METRICS_PATH}/`);
}

/** isRetryable: an idempotent method whose request has no body (nothing was consumed). */
function isRetryable(req: IncomingMessage): boolean {
  return RETRYABLE_METHODS.has(req.method ?? '') && !hasBody(req);
}

/** hasBody: the request says it carries a body. */
function hasBody(req: Pick<IncomingMessage, 'headers'>): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}
