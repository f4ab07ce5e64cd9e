import { TARGET_HEALTH, TargetHealth } from '@app/contracts';
import { LoadBalancerPort, LoadBalancerTarget, TargetStatus } from '../ports/load-balancer.port';
import { LocalCloudConfig } from './local-cloud.config';

/** LocalLoadBalancerConfig is the part of the local configuration the adapter reads. */
export type LocalLoadBalancerConfig = Pick<
  LocalCloudConfig,
  | 'BALANCER_ADMIN_URL'
  | 'BALANCER_PUBLIC_URL'
  | 'BALANCER_ADMIN_TIMEOUT_MS'
  | 'BALANCER_ADMIN_TOKEN'
>;

/** LoadBalancerAdminError is a refused or failed call to the balancer's admin API. */
export class LoadBalancerAdminError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'LoadBalancerAdminError';
  }
}

interface AdminTarget {
  id: string;
  health: string;
  reason?: string | null;
}

/**
 * LocalLoadBalancerAdapter is the LoadBalancerPort of local mode: it drives `apps/balancer`
 * through its admin API (PUT/DELETE /targets/:id, GET /targets), each call bounded by
 * BALANCER_ADMIN_TIMEOUT_MS so a stopped balancer fails fast instead of hanging the fleet, each
 * sending BALANCER_ADMIN_TOKEN as `Authorization: Bearer`.
 */
export class LocalLoadBalancerAdapter extends LoadBalancerPort {
  private readonly adminUrl: string;

  constructor(private readonly config: LocalLoadBalancerConfig) {
    super();
    this.adminUrl = config.BALANCER_ADMIN_URL.replace(/\/+$/, '');
  }

  /** register adds the target (idempotent: the same id and address again changes nothing). */
  async register({ id, address }: LoadBalancerTarget): Promise<void> {
    await this.call('PUT', `/targets/${encodeURIComponent(id)}`, { address });
  }

  /** deregister starts draining the target; an unknown target is already deregistered. */
  async deregister(id: string): Promise<void> {
    await this.call('DELETE', `/targets/${encodeURIComponent(id)}`, undefined, [404]);
  }

  async describeHealth(): Promise<TargetStatus[]> {
    const targets = (await this.call('GET', '/targets')) as AdminTarget[];
    return targets.map((t) => ({
      id: t.id,
      health: toHealth(t.health),
      ...(t.reason ? { reason: t.reason } : {}),
    }));
  }

  async publicUrl(): Promise<string> {
    return this.config.BALANCER_PUBLIC_URL.replace(/\/+$/, '');
  }

  private async call(
    method: string,
    path: string,
    body?: object,
    acceptedErrors: number[] = [],
  ): Promise<unknown> {
    const url = this.adminUrl + path;
    const headers: Record<string, string> = {};
    if (body) headers['content-type'] = 'application/json';
    if (this.config.BALANCER_ADMIN_TOKEN) {
      headers.authorization = `Bearer ${this.config.BALANCER_ADMIN_TOKEN}`;
    }
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers,
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(this.config.BALANCER_ADMIN_TIMEOUT_MS),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      const why =
        (error as Error).name === 'TimeoutError'
          ? `no answer within ${this.config.BALANCER_ADMIN_TIMEOUT_MS} ms`
          : (cause ?? (error as Error).message);
      throw new LoadBalancerAdminError(
        `balancer admin API ${method} ${url} failed: ${why} (is the balancer running?)`,
      );
    }
    const text = await res.text();
    if (res.ok) return text ? (JSON.parse(text) as unknown) : undefined;
    if (acceptedErrors.includes(res.status)) return undefined;
    let message = text;
    try {
      message = (JSON.parse(text) as { message?: string }).message ?? text;
    } catch {
      // Not JSON: keep the text.
    }
    // A refused token is a configuration mistake: say which variable to look at.
    const hint =
      res.status === 401 ? ' (BALANCER_ADMIN_TOKEN must be the token the balancer has)' : '';
    throw new LoadBalancerAdminError(
      `balancer admin API ${method} ${url} answered ${res.status}: ${message}${hint}`,
      res.status,
    );
  }
}

function toHealth(health: string): TargetHealth {
  return (TARGET_HEALTH as readonly string[]).includes(health)
    ? (health as TargetHealth)
    : 'unused';
}
