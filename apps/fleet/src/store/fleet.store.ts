import { TargetHealth, WorkerState } from '@app/contracts';

/**
 * InstanceRecord is what the fleet remembers about one worker, from the moment a launch is decided
 * (state `pending`, no instance id yet, a client token already chosen) until it is terminated.
 */
export interface InstanceRecord {
  /** Idempotency token of the launch: the same token never starts a second worker. */
  clientToken: string;
  /** Null while the launch has not answered yet. */
  instanceId: string | null;
  state: WorkerState;
  health: TargetHealth;
  address: string | null;
  /** The command that asked for this worker, if one did. */
  commandId: string | null;
  /** Why the worker exists ("launched for command …", "replacement for i-…"). */
  cause: string;
  /** How many times the launch was handed to the compute port (0: not started yet). */
  launchAttempts: number;
  requestedAt: Date;
  /** When the worker started, as the compute provider says. */
  launchedAt: Date | null;
  /** First time the load balancer found it healthy; null while it never was. */
  healthyAt: Date | null;
  /** Since when it is unhealthy without a break; null when it is not unhealthy. */
  unhealthySince: Date | null;
  drainStartedAt: Date | null;
  drainCause: string | null;
  terminatedAt: Date | null;
  lastError: string | null;
}

/** DesiredSize is the stored desired size of the pool and why it was last set. */
export interface DesiredSize {
  desired: number;
  cause: string;
  updatedAt: Date;
}

/** FleetRepository reads and writes the fleet's state (inside or outside a transaction). */
export interface FleetRepository {
  getDesired(): Promise<DesiredSize | null>;
  setDesired(desired: number, cause: string, at: Date): Promise<void>;
  /** listLive lists every record that is not terminated, oldest first. */
  listLive(): Promise<InstanceRecord[]>;
  /** findByInstanceIds returns the records (any state) of these instance ids. */
  findByInstanceIds(ids: string[]): Promise<InstanceRecord[]>;
  findByToken(clientToken: string): Promise<InstanceRecord | null>;
  /** insert adds a new record; its client token must be new. */
  insert(record: InstanceRecord): Promise<void>;
  /** update writes a record back (found by its client token). */
  update(record: InstanceRecord): Promise<void>;
}

/** CommandOutcome is what a command did, stored with its id. */
export interface CommandOutcome<T> {
  outcome: string;
  result: T;
}

/** CommandRun is the answer of `runCommand`: the result, or that the command was seen before. */
export type CommandRun<T> =
  { duplicate: false; outcome: string; result: T } | { duplicate: true; outcome: string };

/**
 * FleetStore is the fleet's persistence port (MySQL in production, in memory in unit specs). It is
 * also the DI token.
 */
export abstract class FleetStore implements FleetRepository {
  abstract getDesired(): Promise<DesiredSize | null>;
  abstract setDesired(desired: number, cause: string, at: Date): Promise<void>;
  abstract listLive(): Promise<InstanceRecord[]>;
  abstract findByInstanceIds(ids: string[]): Promise<InstanceRecord[]>;
  abstract findByToken(clientToken: string): Promise<InstanceRecord | null>;
  abstract insert(record: InstanceRecord): Promise<void>;
  abstract update(record: InstanceRecord): Promise<void>;

  /**
   * runCommand applies a command once: in one transaction it records the command id and runs
   * `apply`; when the id was recorded before, nothing runs and the first outcome is returned.
   */
  abstract runCommand<T>(
    commandId: string,
    pattern: string,
    at: Date,
    apply: (repo: FleetRepository) => Promise<CommandOutcome<T>>,
  ): Promise<CommandRun<T>>;
}

/** newLaunchRecord is the record of a launch that is decided but not started yet. */
export function newLaunchRecord(
  clientToken: string,
  cause: string,
  at: Date,
  commandId: string | null = null,
): InstanceRecord {
  return {
    clientToken,
    instanceId: null,
    state: 'pending',
    health: 'initial',
    address: null,
    commandId,
    cause,
    launchAttempts: 0,
    requestedAt: at,
    launchedAt: null,
    healthyAt: null,
    unhealthySince: null,
    drainStartedAt: null,
    drainCause: null,
    terminatedAt: null,
    lastError: null,
  };
}
