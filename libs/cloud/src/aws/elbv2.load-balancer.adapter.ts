import {
  DeregisterTargetsCommand,
  DescribeLoadBalancersCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  RegisterTargetsCommand,
  TargetHealthStateEnum,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { TargetHealth } from '@app/contracts';
import { STACK_TAG_KEY } from './ec2.compute.adapter';
import { LoadBalancerPort, LoadBalancerTarget, TargetStatus } from '../ports/load-balancer.port';

/** Elbv2LoadBalancerOptions configure the ELBv2 adapter (from AWS_CLOUD_ENV). */
export interface Elbv2LoadBalancerOptions {
  targetGroupArn: string;
  loadBalancerArn: string;
  /** Port the workers listen on (WORKER_PORT_AWS); every target is registered with it. */
  workerPort: number;
  /** Injectable clock (epoch ms) so tests wait no real time. */
  now?: () => number;
  /**
   * EBBFLOW_STACK and the EC2 client to check it with: only targets that are instances tagged
   * `ebbflow:stack=<stack>` are listed (so the fleet never deregisters another stack's targets in
   * a shared target group). Unset: every target is listed.
   */
  stack?: { name: string; ec2: EC2Client };
}

/** DEREGISTRATION_DELAY_KEY is the target group attribute ELB drains a deregistered target for. */
export const DEREGISTRATION_DELAY_KEY = 'deregistration_delay.timeout_seconds';

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
  /** The target group's deregistration delay in ms, read once (DescribeTargetGroupAttributes). */
  private delayMs?: number;
  /** When this process deregistered each target still draining (epoch ms). */
  private readonly drainingSince = new Map<string, number>();
  private readonly now: () => number;
  /** Whether each target id seen is an instance of this stack (tags do not change). */
  private readonly ofStack = new Map<string, boolean>();

  constructor(
    private readonly elb: ElasticLoadBalancingV2Client,
    private readonly options: Elbv2LoadBalancerOptions,
  ) {
    super();
    this.now = options.now ?? Date.now;
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
    if (!this.drainingSince.has(id)) this.drainingSince.set(id, this.now());
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
    return this.releaseDrainedByDelay(await this.onlyOwnStack(targets));
  }

  /**
   * onlyOwnStack keeps the targets that are instances of this stack: one DescribeInstances for the
   * ids not seen before (filtered by instance id and the stack tag); the answer is kept.
   */
  private async onlyOwnStack(targets: TargetStatus[]): Promise<TargetStatus[]> {
    const stack = this.options.stack;
    if (!stack) return targets;
    const unknown = targets.map((t) => t.id).filter((id) => !this.ofStack.has(id));
    if (unknown.length) {
      const found = new Set<string>();
      let nextToken: string | undefined;
      do {
        const reply = await stack.ec2.send(
          new DescribeInstancesCommand({
            Filters: [
              { Name: 'instance-id', Values: unknown },
              { Name: `tag:${STACK_TAG_KEY}`, Values: [stack.name] },
            ],
            ...(nextToken ? { NextToken: nextToken } : {}),
          }),
        );
        for (const r of reply.Reservations ?? []) {
          for (const i of r.Instances ?? []) if (i.InstanceId) found.add(i.InstanceId);
        }
        nextToken = reply.NextToken;
      } while (nextToken);
      for (const id of unknown) this.ofStack.set(id, found.has(id));
    }
    return targets.filter((t) => this.ofStack.get(t.id));
  }

  /**
   * releaseDrainedByDelay leaves out a target still reported `draining` once its deregistration
   * delay has passed since this process deregistered it: ELB lets it go then (its state lags), so
   * the worker is terminated after the target left draining or after the delay, whichever first.
   */
  private async releaseDrainedByDelay(targets: TargetStatus[]): Promise<TargetStatus[]> {
    const draining = new Set(targets.filter((t) => t.health === 'draining').map((t) => t.id));
    // A target no longer draining (gone, or registered again) starts afresh next time.
    for (const id of this.drainingSince.keys())
      if (!draining.has(id)) this.drainingSince.delete(id);
    if (!this.drainingSince.size) return targets;
    const delayMs = await this.deregistrationDelayMs();
    if (delayMs === undefined) return targets;
    const now = this.now();
    return targets.filter((t) => {
      const since = t.health === 'draining' ? this.drainingSince.get(t.id) : undefined;
      return since === undefined || now - since < delayMs;
    });
  }

  /** deregistrationDelayMs reads the delay once; undefined (asked again later) when it cannot. */
  private async deregistrationDelayMs(): Promise<number | undefined> {
    if (this.delayMs !== undefined) return this.delayMs;
    try {
      const reply = await this.elb.send(
        new DescribeTargetGroupAttributesCommand({ TargetGroupArn: this.options.targetGroupArn }),
      );
      const value = reply.Attributes?.find((a) => a.Key === DEREGISTRATION_DELAY_KEY)?.Value;
      // ELB's default delay is 300 s when the attribute is not listed.
      const seconds = value !== undefined && /^\d+$/.test(value) ? Number(value) : 300;
      this.delayMs = seconds * 1000;
      return this.delayMs;
    } catch {
      // Without the delay the target stays draining for us; the fleet's drain timeout bounds it.
      return undefined;
    }
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
