import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { Agent, createServer, IncomingMessage, Server, ServerResponse } from 'http';
import { AddressInfo } from 'net';
import { createProxyServer, ProxyServer } from 'http-proxy-3';
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

/** SHUTDOWN_GRACE_MS is how long a stopping balancer lets in-flight requests finish. */
export const SHUTDOWN_GRACE_MS = 5000;

/**
 * RETRYABLE_METHODS are the idempotent methods a refused connection may be retried for on the
 * next target (once, and only without a request body, which was consumed by then).
 */
const RETRYABLE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);

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
  private readonly agent = new Agent({ keepAlive: true });
  private readonly proxy: ProxyServer;
  private readonly server: Server;

  constructor(
    private readonly registry: TargetRegistry,
    @Inject(BALANCER_CONFIG) private readonly config: BalancerConfig,
  ) {
    this.proxy = createProxyServer({ agent: this.agent, xfwd: false });
    this.proxy.on('proxyReq', (proxyReq) => {
      proxyReq.setTimeout(this.config.BALANCER_IDLE_TIMEOUT_MS, () =>
        proxyReq.destroy(new IdleTimeoutError('target sent nothing within the idle timeout')),
      );
    });
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

  private handle(req: IncomingMessage, res: ServerResponse): void {
    setForwardedHeaders(req);
    const picked = this.registry.pick();
    if (!picked) {
      sendBalancerError(req, res, 503, 'Service Unavailable', NO_TARGET_MESSAGE);
      return;
    }
    this.forward(req, res, picked.target, false);
  }

  private forward(
    req: IncomingMessage,
    res: ServerResponse,
    target: Target,
    retried: boolean,
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
    this.proxy.web(req, res, { target: `http://${target.address}` }, (error) => {
      release();
      if (res.writableEnded || res.destroyed) return;
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ECONNREFUSED' && !retried && isRetryable(req)) {
        const next = this.registry.pick(target.id)?.target;
        if (next) {
          this.logger.warn(
            `${target.id} refused a connection; ${req.method} retried on ${next.id}`,
          );
          this.forward(req, res, next, true);
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

/** isRetryable: an idempotent method whose request has no body (nothing was consumed). */
function isRetryable(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  const hasBody =
    req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
  return RETRYABLE_METHODS.has(req.method ?? '') && !hasBody;
}
