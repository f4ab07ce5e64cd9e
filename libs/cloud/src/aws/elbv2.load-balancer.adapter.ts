import {
  DeregisterTargetsCommand,
  DescribeLoadBalancersCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  RegisterTargetsCommand,
  TargetHealthStateEnum,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { TargetHealth } from '@app/contracts';
import { LoadBalancerPort, LoadBalancerTarget, TargetStatus } from '../ports/load-balancer.port';

/** Elbv2LoadBalancerOptions configure the ELBv2 adapter (from AWS_CLOUD_ENV). */
export interface Elbv2LoadBalancerOptions {
  targetGroupArn: string;
  loadBalancerArn: string;
  /** Port the workers listen on (WORKER_PORT_AWS); every target is registered with it. */
  workerPort: number;
}

/**
 * elbHealthToOurs maps an ELBv2 target health state to Ebbflow's: the five shared names map to
 * themselves; `unavailable` (health checks disabled or failing to run) counts as unhealthy and
 * `unhealthy.draining` as draining.
 */
export function elbHealthToOurs(state: string | undefined): TargetHealth {
  switch (state) {
    case TargetHealthStateEnum.INITIAL:
      return 'initial';
    case TargetHealthStateEnum.HEALTHY:
      return 'healthy';
    case TargetHealthStateEnum.DRAINING:
    case TargetHealthStateEnum.UNHEALTHY_DRAINING:
      return 'draining';
    case TargetHealthStateEnum.UNUSED:
      return 'unused';
    default:
      return 'unhealthy';
  }
}

/**
 * Elbv2LoadBalancerAdapter is the aws LoadBalancerPort: registers instances (by id, on the worker
 * port) in the target group, deregisters them (ELB drains them for its deregistration delay) and
 * reports the target group's health; the public URL is the load balancer's DNS name.
 */
export class Elbv2LoadBalancerAdapter extends LoadBalancerPort {
  private url?: string;

  constructor(
    private readonly elb: ElasticLoadBalancingV2Client,
    private readonly options: Elbv2LoadBalancerOptions,
  ) {
    super();
  }

  async register(target: LoadBalancerTarget): Promise<void> {
    await this.elb.send(
      new RegisterTargetsCommand({
        TargetGroupArn: this.options.targetGroupArn,
        Targets: [{ Id: target.id, Port: this.options.workerPort }],
      }),
    );
  }

  async deregister(id: string): Promise<void> {
    try {
      await this.elb.send(
        new DeregisterTargetsCommand({
          TargetGroupArn: this.options.targetGroupArn,
          Targets: [{ Id: id, Port: this.options.workerPort }],
        }),
      );
    } catch (error) {
      // Deregistering a target that is not registered (any more) is what we wanted anyway.
      if ((error as { name?: string }).name !== 'InvalidTargetException') throw error;
    }
  }

  async describeHealth(): Promise<TargetStatus[]> {
    const reply = await this.elb.send(
      new DescribeTargetHealthCommand({ TargetGroupArn: this.options.targetGroupArn }),
    );
    const targets: TargetStatus[] = [];
    for (const d of reply.TargetHealthDescriptions ?? []) {
      const id = d.Target?.Id;
      // A target ELB reports as not registered is absent for us (the port's contract).
      if (!id || d.TargetHealth?.Reason === 'Target.NotRegistered') continue;
      targets.push({
        id,
        health: elbHealthToOurs(d.TargetHealth?.State),
        ...(d.TargetHealth?.Reason ? { reason: d.TargetHealth.Reason } : {}),
      });
    }
    return targets;
  }

  async publicUrl(): Promise<string> {
    if (this.url) return this.url;
    const reply = await this.elb.send(
      new DescribeLoadBalancersCommand({ LoadBalancerArns: [this.options.loadBalancerArn] }),
    );
    const dns = reply.LoadBalancers?.[0]?.DNSName;
    if (!dns) throw new Error(`load balancer ${this.options.loadBalancerArn} has no DNS name`);
    this.url = `http://${dns}`;
    return this.url;
  }
}
