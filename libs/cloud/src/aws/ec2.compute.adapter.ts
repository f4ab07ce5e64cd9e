import { createHash } from 'crypto';
import {
  DescribeInstancesCommand,
  EC2Client,
  Instance,
  RunInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { ComputeInstance, ComputePort, ComputeState, LaunchRequest } from '../ports/compute.port';

/** MANAGED_TAG marks every instance Ebbflow launched; describe lists only these. */
export const MANAGED_TAG = { Key: 'ebbflow:managed', Value: 'true' } as const;
/** STACK_TAG_KEY carries the stack's name (EBBFLOW_STACK) on every instance Ebbflow launched. */
export const STACK_TAG_KEY = 'ebbflow:stack';
/** WORKER_NAME is the Name tag shown in the EC2 console. */
export const WORKER_NAME = 'ebbflow-worker';
/**
 * DESCRIBED_STATES are the EC2 states of instances the fleet still has to account for: a stopped or
 * stopping worker is listed (as `stopping`) so that it is terminated, not left behind unseen.
 */
export const DESCRIBED_STATES = ['pending', 'running', 'stopping', 'stopped'] as const;

/** Ec2ComputeOptions configure the EC2 adapter (from AWS_CLOUD_ENV). */
export interface Ec2ComputeOptions {
  launchTemplateId: string;
  /** EBBFLOW_STACK: tagged on every launch, the only instances described. */
  stack: string;
  /** Unset: EC2 uses the template's default version. */
  launchTemplateVersion?: string;
  /** Interval between two DescribeInstances while waiting for `running`. */
  pollIntervalMs: number;
  /** How long a launch may wait for `running` before it fails. */
  runningTimeoutMs: number;
  /** Injectable so tests wait no real time. */
  sleep?: (ms: number) => Promise<void>;
}

/** Ec2LaunchError says why an instance did not reach `running`. */
export class Ec2LaunchError extends Error {
  constructor(
    readonly instanceId: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'Ec2LaunchError';
  }
}

/**
 * ec2ClientToken maps the fleet's launch token to EC2's ClientToken (at most 64 ASCII characters):
 * the token itself when it fits, else its SHA-256 in hex (64 characters). Deterministic, so a
 * repeated launch for the same command returns the instance of the first one instead of a second.
 */
export function ec2ClientToken(token: string): string {
  if (/^[\x21-\x7e]{1,64}$/.test(token)) return token;
  return createHash('sha256').update(token).digest('hex');
}

function stateOf(instance: Instance): ComputeState {
  switch (instance.State?.Name) {
    case 'pending':
      return 'pending';
    case 'running':
      return 'running';
    case 'stopping':
    case 'stopped':
      // Stopped workers serve nothing but still cost their volumes: the fleet terminates them.
      return 'stopping';
    default:
      // shutting-down, terminated, stopped: gone as far as the pool is concerned.
      return 'terminated';
  }
}

function toComputeInstance(instance: Instance): ComputeInstance {
  return {
    id: instance.InstanceId!,
    state: stateOf(instance),
    // The private IP: the target group reaches the worker there (on WORKER_PORT_AWS).
    address: instance.PrivateIpAddress ?? null,
    launchedAt: instance.LaunchTime ?? new Date(),
    ...(instance.ClientToken ? { clientToken: instance.ClientToken } : {}),
  };
}

function errorName(error: unknown): string {
  return (error as { name?: string; Code?: string })?.name ?? '';
}

/**
 * Ec2ComputeAdapter is the aws ComputePort: one EC2 instance per worker, launched from a launch
 * template with an idempotent ClientToken, tagged `ebbflow:managed=true` and `ebbflow:stack=<stack>`,
 * and awaited until it runs (terminated when it does not).
 */
export class Ec2ComputeAdapter extends ComputePort {
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly ec2: EC2Client,
    private readonly options: Ec2ComputeOptions,
  ) {
    super();
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  async launch(request: LaunchRequest): Promise<ComputeInstance> {
    const { launchTemplateId, launchTemplateVersion } = this.options;
    const reply = await this.ec2.send(
      new RunInstancesCommand({
        LaunchTemplate: {
          LaunchTemplateId: launchTemplateId,
          ...(launchTemplateVersion ? { Version: launchTemplateVersion } : {}),
        },
        MinCount: 1,
        MaxCount: 1,
        ClientToken: ec2ClientToken(request.clientToken),
        TagSpecifications: [
          {
            ResourceType: 'instance',
            Tags: [
              { ...MANAGED_TAG },
              { Key: STACK_TAG_KEY, Value: this.options.stack },
              { Key: 'Name', Value: WORKER_NAME },
            ],
          },
        ],
      }),
    );
    const id = reply.Instances?.[0]?.InstanceId;
    if (!id) throw new Ec2LaunchError(undefined, 'RunInstances returned no instance');
    try {
      return await this.waitUntilRunning(id);
    } catch (error) {
      // A launch that failed must not leave an instance behind (running later, billed, unseen).
      await this.terminate(id).catch(() => undefined);
      throw error;
    }
  }

  /** waitUntilRunning polls DescribeInstances (bounded by runningTimeoutMs) until `running`. */
  private async waitUntilRunning(id: string): Promise<ComputeInstance> {
    const { pollIntervalMs, runningTimeoutMs } = this.options;
    const attempts = Math.max(1, Math.ceil(runningTimeoutMs / pollIntervalMs) + 1);
    let last = 'unknown';
    for (let attempt = 1; attempt <= attempts; attempt++) {
      let instance: Instance | undefined;
      try {
        const reply = await this.ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
        instance = reply.Reservations?.flatMap((r) => r.Instances ?? []).find(
          (i) => i.InstanceId === id,
        );
      } catch (error) {
        // Right after RunInstances, EC2 may not list the new id yet (eventual consistency).
        if (errorName(error) !== 'InvalidInstanceID.NotFound') throw error;
      }
      if (instance) {
        last = instance.State?.Name ?? 'unknown';
        if (last === 'running') return toComputeInstance(instance);
        if (stateOf(instance) !== 'pending') {
          throw new Ec2LaunchError(
            id,
            `instance ${id} went ${last} while launching: ${instance.StateReason?.Message ?? 'no reason given'}`,
          );
        }
      }
      if (attempt < attempts) await this.sleep(pollIntervalMs);
    }
    throw new Ec2LaunchError(
      id,
      `instance ${id} was not running after ${Math.round(runningTimeoutMs / 1000)} s (last state: ${last})`,
    );
  }

  async terminate(id: string): Promise<void> {
    try {
      await this.ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    } catch (error) {
      // Terminating an instance that is already gone is not an error (port contract).
      if (!/^InvalidInstanceID\.(NotFound|Malformed)$/.test(errorName(error))) throw error;
    }
  }

  async describe(): Promise<ComputeInstance[]> {
    const found: ComputeInstance[] = [];
    let nextToken: string | undefined;
    do {
      const reply = await this.ec2.send(
        new DescribeInstancesCommand({
          Filters: [
            { Name: `tag:${MANAGED_TAG.Key}`, Values: [MANAGED_TAG.Value] },
            { Name: `tag:${STACK_TAG_KEY}`, Values: [this.options.stack] },
            { Name: 'instance-state-name', Values: [...DESCRIBED_STATES] },
          ],
          ...(nextToken ? { NextToken: nextToken } : {}),
        }),
      );
      for (const reservation of reply.Reservations ?? []) {
        for (const instance of reservation.Instances ?? []) {
          if (instance.InstanceId) found.push(toComputeInstance(instance));
        }
      }
      nextToken = reply.NextToken;
    } while (nextToken);
    return found;
  }
}
