import { TargetHealth } from '@app/contracts';

/** TargetStatus is the load balancer's view of one registered target. */
export interface TargetStatus {
  id: string;
  health: TargetHealth;
  /** Why, as the load balancer says it (e.g. "Target.FailedHealthChecks"). */
  reason?: string;
}

/** LoadBalancerTarget is what is registered: the instance id and its address. */
export interface LoadBalancerTarget {
  id: string;
  address: string;
}

/**
 * LoadBalancerPort registers and deregisters workers and reports their health: the local
 * balancer's admin API or an ELBv2 target group. Also the DI token.
 */
export abstract class LoadBalancerPort {
  abstract register(target: LoadBalancerTarget): Promise<void>;
  /** deregister starts draining; the target reports `draining` until in-flight requests end. */
  abstract deregister(id: string): Promise<void>;
  /** describeHealth lists every registered or draining target; a drained target is absent. */
  abstract describeHealth(): Promise<TargetStatus[]>;
  /** publicUrl is where users reach the app (http://localhost:8080, or the ELB's DNS name). */
  abstract publicUrl(): Promise<string>;
}
