import { TargetHealth } from '@app/contracts';
import { LoadBalancerPort, LoadBalancerTarget, TargetStatus } from '@app/cloud';
import { CallLog } from './call-log';

interface FakeTarget {
  address: string;
  health: TargetHealth;
  inFlight: number;
}

/**
 * FakeLoadBalancer is an in-memory LoadBalancerPort: registered targets start `initial`; a
 * deregistered target with requests in flight stays `draining` until `finishDrain`, one without
 * is removed at once (like the local balancer); `restart` forgets every target.
 */
export class FakeLoadBalancer extends LoadBalancerPort {
  private readonly targets = new Map<string, FakeTarget>();
  /** When set, describeHealth throws it (balancer down). */
  describeError?: Error;

  constructor(
    readonly log: CallLog = new CallLog(),
    readonly url = 'http://localhost:8080',
  ) {
    super();
  }

  async register({ id, address }: LoadBalancerTarget): Promise<void> {
    this.log.push('register', id);
    this.targets.set(id, { address, health: 'initial', inFlight: 0 });
  }

  async deregister(id: string): Promise<void> {
    this.log.push('deregister', id);
    const target = this.targets.get(id);
    if (!target) return;
    if (target.inFlight > 0) target.health = 'draining';
    else this.targets.delete(id);
  }

  async describeHealth(): Promise<TargetStatus[]> {
    if (this.describeError) throw this.describeError;
    return [...this.targets].map(([id, t]) => ({ id, health: t.health }));
  }

  async publicUrl(): Promise<string> {
    return this.url;
  }

  /** setHealth sets what the health checks found. */
  setHealth(id: string, health: TargetHealth): void {
    const target = this.targets.get(id);
    if (!target) throw new Error(`no target ${id}`);
    target.health = health;
  }

  /** setHealthAll marks every target that is not draining with `health`. */
  setHealthAll(health: TargetHealth): void {
    for (const target of this.targets.values()) {
      if (target.health !== 'draining') target.health = health;
    }
  }

  /** setInFlight says a target serves `n` requests (a deregistration then drains). */
  setInFlight(id: string, n: number): void {
    const target = this.targets.get(id);
    if (!target) throw new Error(`no target ${id}`);
    target.inFlight = n;
  }

  /** finishDrain ends the in-flight requests of a draining target: it disappears. */
  finishDrain(id: string): void {
    if (this.targets.get(id)?.health === 'draining') this.targets.delete(id);
  }

  /** restart forgets every target (a restarted balancer). */
  restart(): void {
    this.targets.clear();
  }

  health(id: string): TargetHealth | undefined {
    return this.targets.get(id)?.health;
  }

  ids(): string[] {
    return [...this.targets.keys()];
  }
}
