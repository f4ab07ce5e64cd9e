import { Type } from 'class-transformer';
import {
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { CommandDto, EmptyQuery } from './base.dto';
import { defineCommand, defineEvent, defineQuery } from './define';

/** WORKER_STATES are the lifecycle states of a worker ("instance"). */
export const WORKER_STATES = ['pending', 'running', 'draining', 'terminated'] as const;
export type WorkerState = (typeof WORKER_STATES)[number];

/** TARGET_HEALTH are the load-balancer health states, as ELBv2 names them. */
export const TARGET_HEALTH = ['initial', 'healthy', 'unhealthy', 'draining', 'unused'] as const;
export type TargetHealth = (typeof TARGET_HEALTH)[number];

/** MAX_MANUAL_COUNT bounds one manual grow/shrink, so a typo cannot launch a thousand instances. */
export const MAX_MANUAL_COUNT = 20;
/** MAX_DESIRED bounds the desired size any command may set. */
export const MAX_DESIRED = 50;

/** INSTANCE_ID_PATTERN matches EC2 ids and the local adapter's ids (`i-` + hex). */
export const INSTANCE_ID_PATTERN = /^i-[0-9a-f]{8,17}$/;

/** GrowCommand adds `count` workers to the desired size. */
export class GrowCommand extends CommandDto {
  @IsInt()
  @Min(1)
  @Max(MAX_MANUAL_COUNT)
  count!: number;
}

/** ShrinkCommand removes `count` workers from the desired size (drained, then terminated). */
export class ShrinkCommand extends CommandDto {
  @IsInt()
  @Min(1)
  @Max(MAX_MANUAL_COUNT)
  count!: number;
}

/** TerminateCommand drains and terminates one worker; the desired size drops by one. */
export class TerminateCommand extends CommandDto {
  @Matches(INSTANCE_ID_PATTERN, { message: 'instanceId must look like i-0123abcd' })
  instanceId!: string;
}

/**
 * RemoveWorkerQuery asks the fleet to remove one worker ("Destroy") and to say what it decided:
 * a running worker is drained then terminated, a pending one has its launch cancelled; both
 * lower the desired size by one. Answered with a RemoveWorkerReply, or a HandlerError coded
 * REMOVE_WORKER_CONFLICT (e.g. already draining) or 'not-found'. The same commandId twice
 * changes nothing the second time and answers the first verdict again.
 */
export class RemoveWorkerQuery extends CommandDto {
  @Matches(INSTANCE_ID_PATTERN, { message: 'instanceId must look like i-0123abcd' })
  instanceId!: string;
}

/** RemoveWorkerReply is the fleet's verdict on a RemoveWorkerQuery it carries out. */
export interface RemoveWorkerReply {
  commandId: string;
  instanceId: string;
  /** `draining`: a running worker is drained, then terminated; `cancelled`: a pending launch. */
  action: 'draining' | 'cancelled';
  message: string;
}

/** REMOVE_WORKER_CONFLICT is the error code of a removal that cannot be carried out (409). */
export const REMOVE_WORKER_CONFLICT = 'conflict';

/** POOL_CHANGE_SOURCES name who changed the desired size; 'manual' is an operator (the manager). */
export const POOL_CHANGE_SOURCES = ['scaler', 'manual', 'start', 'shutdown'] as const;
export type PoolChangeSource = (typeof POOL_CHANGE_SOURCES)[number];

/** SetDesiredCommand sets the desired size (the scaler's decisions arrive this way). */
export class SetDesiredCommand extends CommandDto {
  @IsInt()
  @Min(0)
  @Max(MAX_DESIRED)
  desired!: number;

  /** Who asked: 'scaler', 'manual', 'start'. */
  @IsIn(POOL_CHANGE_SOURCES)
  source!: PoolChangeSource;
}

/** TerminateAllCommand drains and terminates every worker and sets the desired size to 0. */
export class TerminateAllCommand extends CommandDto {}

/** WorkerView is one worker as the fleet reports it. */
export class WorkerView {
  @Matches(INSTANCE_ID_PATTERN)
  id!: string;

  @IsIn(WORKER_STATES)
  state!: WorkerState;

  @IsIn(TARGET_HEALTH)
  health!: TargetHealth;

  /** `host:port` locally, the private IP on AWS; null until known. */
  @IsOptional()
  @IsString()
  address!: string | null;

  @IsISO8601()
  launchedAt!: string;
}

/** FleetListReply answers FLEET_LIST. */
export interface FleetListReply {
  desired: number;
  workers: WorkerView[];
  /** Where users reach the app: http://localhost:8080 locally, the ELB's DNS name on AWS. */
  loadBalancerUrl: string;
}

/** InstanceStateChanged is emitted on every state or health change of one worker. */
export class InstanceStateChanged {
  @Matches(INSTANCE_ID_PATTERN)
  instanceId!: string;

  @IsIn(WORKER_STATES)
  state!: WorkerState;

  @IsIn(TARGET_HEALTH)
  health!: TargetHealth;

  @IsOptional()
  @IsIn(WORKER_STATES)
  previousState?: WorkerState;

  @IsOptional()
  @IsIn(TARGET_HEALTH)
  previousHealth?: TargetHealth;

  @IsOptional()
  @IsString()
  address?: string | null;

  @IsOptional()
  @IsISO8601()
  launchedAt?: string;

  @IsString()
  @MaxLength(500)
  cause!: string;

  @IsISO8601()
  at!: string;
}

/** PoolChanged is emitted when the desired size changes. */
export class PoolChanged {
  @IsInt()
  @Min(0)
  desired!: number;

  @IsInt()
  @Min(0)
  previous!: number;

  @IsString()
  @MaxLength(500)
  cause!: string;

  @IsOptional()
  @IsString()
  commandId?: string;

  /**
   * Who changed the size (grow, shrink, terminate: 'manual'); the scaler starts its cooldown on a
   * manual change. Optional: a fleet of an older version does not send it.
   */
  @IsOptional()
  @IsIn(POOL_CHANGE_SOURCES)
  source?: PoolChangeSource;

  @IsISO8601()
  at!: string;
}

/** FleetSnapshot is emitted after each reconcile pass: the pool as it is now. */
export class FleetSnapshot {
  @IsInt()
  desired!: number;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => WorkerView)
  workers!: WorkerView[];

  @IsISO8601()
  at!: string;
}

export const FLEET_GROW = defineCommand('fleet.grow', 'fleet', GrowCommand);
export const FLEET_SHRINK = defineCommand('fleet.shrink', 'fleet', ShrinkCommand);
export const FLEET_TERMINATE = defineCommand('fleet.terminate', 'fleet', TerminateCommand);
export const FLEET_REMOVE_WORKER = defineQuery<RemoveWorkerQuery, RemoveWorkerReply>(
  'fleet.remove-worker',
  'fleet',
  RemoveWorkerQuery,
);
export const FLEET_SET_DESIRED = defineCommand('fleet.set-desired', 'fleet', SetDesiredCommand);
export const FLEET_TERMINATE_ALL = defineCommand(
  'fleet.terminate-all',
  'fleet',
  TerminateAllCommand,
);
export const FLEET_LIST = defineQuery<EmptyQuery, FleetListReply>(
  'fleet.list',
  'fleet',
  EmptyQuery,
);
export const FLEET_INSTANCE_STATE = defineEvent('fleet.instance-state', InstanceStateChanged);
export const FLEET_POOL_CHANGED = defineEvent('fleet.pool-changed', PoolChanged);
export const FLEET_SNAPSHOT = defineEvent('fleet.snapshot', FleetSnapshot);
