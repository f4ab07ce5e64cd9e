import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  GrowCommand,
  MAX_DESIRED,
  PoolChanged,
  PoolChangeSource,
  REMOVE_WORKER_CONFLICT,
  RemoveWorkerQuery,
  RemoveWorkerReply,
  SetDesiredCommand,
  ShrinkCommand,
  TerminateAllCommand,
  TerminateCommand,
  FLEET_GROW,
  FLEET_REMOVE_WORKER,
  FLEET_SET_DESIRED,
  FLEET_SHRINK,
  FLEET_TERMINATE,
  FLEET_TERMINATE_ALL,
} from '@app/contracts';
import { HandlerError } from '@app/messaging';
import { markDraining } from '../drain/drain.service';
import { FleetEvents } from '../events/fleet.events';
import { instanceStateEvent } from '../events/instance-state.event';
import { FleetLock } from '../reconcile/fleet.lock';
import { isCancelledLaunch, launchToken, withReason } from '../reconcile/reconcile.rules';
import { CLOCK, Clock } from '../reconcile/reconcile.settings';
import { Reconciler } from '../reconcile/reconciler.service';
import {
  CommandOutcome,
  FleetRepository,
  FleetStore,
  InstanceRecord,
  newLaunchRecord,
} from '../store/fleet.store';

/** PoolChange is what a command changed, announced once its transaction is committed. */
interface PoolChange {
  pool?: PoolChanged;
  drained: { record: InstanceRecord; previous: InstanceRecord }[];
}

const isActive = (r: InstanceRecord) =>
  (r.state === 'pending' || r.state === 'running') && !isCancelledLaunch(r);

/**
 * PoolService applies the fleet's commands to the desired size, each exactly once by its
 * commandId (a second delivery changes nothing), then asks the reconciler for a pass. Launches a
 * command asks for are recorded with client tokens derived from its commandId and index. Manual
 * commands are bounded only by the contract's MAX_DESIRED, not by the scaler's policy.
 */
@Injectable()
export class PoolService {
  private readonly logger = new Logger('PoolService');

  constructor(
    private readonly store: FleetStore,
    private readonly events: FleetEvents,
    private readonly lock: FleetLock,
    private readonly reconciler: Reconciler,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** grow adds `count` workers to the desired size. */
  grow(command: GrowCommand): Promise<string> {
    return this.run(command.commandId, FLEET_GROW.pattern, (repo, now) =>
      this.resize(
        repo,
        now,
        command.commandId,
        (d) => d + command.count,
        withReason(`grow by ${command.count}`, command.reason),
        'manual',
      ),
    );
  }

  /** shrink removes `count` workers from the desired size; the reconciler drains the surplus. */
  shrink(command: ShrinkCommand): Promise<string> {
    return this.run(command.commandId, FLEET_SHRINK.pattern, (repo, now) =>
      this.resize(
        repo,
        now,
        command.commandId,
        (d) => d - command.count,
        withReason(`shrink by ${command.count}`, command.reason),
        'manual',
      ),
    );
  }

  /** setDesired sets the desired size (the scaler's decisions, the start, the shutdown). */
  setDesired(command: SetDesiredCommand): Promise<string> {
    return this.run(command.commandId, FLEET_SET_DESIRED.pattern, async (repo, now) => {
      const current = (await repo.getDesired())?.desired ?? 0;
      const direction = command.desired >= current ? 'grow' : 'shrink';
      const cause = withReason(
        `${direction} to ${command.desired} by ${command.source}`,
        command.reason,
      );
      return this.resize(
        repo,
        now,
        command.commandId,
        () => command.desired,
        cause,
        command.source,
      );
    });
  }

  /**
   * terminate drains and terminates one worker (or cancels its launch while it is pending) and
   * lowers the desired size by one. Returns the outcome; see removeWorker for the verdicts.
   */
  terminate(command: TerminateCommand): Promise<string> {
    return this.run(command.commandId, FLEET_TERMINATE.pattern, (repo, now) =>
      this.remove(repo, now, command),
    );
  }

  /**
   * removeWorker is "Destroy" with an answer: it applies the removal like `terminate` (once by
   * commandId; a repeat answers the first verdict) and answers what was done, or throws a
   * HandlerError coded 'not-found' (no such worker) or REMOVE_WORKER_CONFLICT (already
   * draining or terminating) saying why nothing was done.
   */
  async removeWorker(query: RemoveWorkerQuery): Promise<RemoveWorkerReply> {
    const outcome = await this.run(query.commandId, FLEET_REMOVE_WORKER.pattern, (repo, now) =>
      this.remove(repo, now, query),
    );
    const verdict = removalVerdict(outcome);
    if (verdict.refused) throw new HandlerError(verdict.refused, verdict.message);
    return {
      commandId: query.commandId,
      instanceId: query.instanceId,
      action: verdict.action,
      message: verdict.message,
    };
  }

  /**
   * remove takes one worker out of the pool: a running one is marked draining (the reconciler
   * deregisters, then terminates it); one still pending has its launch cancelled (recorded on
   * its launch record: the launch finishes, then the instance is terminated instead of
   * registered). Both lower the desired size by one. The outcome starts with the verdict.
   */
  private async remove(
    repo: FleetRepository,
    now: Date,
    command: TerminateCommand | RemoveWorkerQuery,
  ): Promise<CommandOutcome<PoolChange>> {
    const id = command.instanceId;
    const cause = withReason(`terminate ${id}`, command.reason);
    const [record] = await repo.findByInstanceIds([id]);
    if (record && record.state === 'draining') {
      return noChange(`${REFUSED_CONFLICT} ${id} is already draining`);
    }
    if (record && record.state !== 'terminated') {
      const pool = await this.lowerDesired(repo, now, cause, command.commandId);
      const drained = await this.drain(repo, record, `drained: ${cause}`, now);
      return {
        outcome: `${DRAINING} ${id}; ${pool.text}`,
        result: { pool: pool.changed, drained: [drained] },
      };
    }
    // A worker the provider lists while its launch is in flight has no instance id on record
    // yet: its launch is found by the client token the provider reports.
    const launching = record ? undefined : this.reconciler.launchingInstance(id);
    const launch = launching?.clientToken ? await repo.findByToken(launching.clientToken) : null;
    if (!launch || launch.state !== 'pending' || launch.instanceId) {
      return noChange(`${REFUSED_NOT_FOUND} no worker ${id} in the pool`);
    }
    if (launch.drainCause) {
      return noChange(`${REFUSED_CONFLICT} ${id} is already draining (its launch is cancelled)`);
    }
    const pool = await this.lowerDesired(repo, now, cause, command.commandId);
    await repo.update({ ...launch, drainStartedAt: now, drainCause: `cancelled: ${cause}` });
    return {
      outcome: `${CANCELLED} the launch of ${id}; it is terminated once it starts; ${pool.text}`,
      result: { pool: pool.changed, drained: [] },
    };
  }

  /** lowerDesired lowers the desired size by one (not below 0). */
  private async lowerDesired(
    repo: FleetRepository,
    now: Date,
    cause: string,
    commandId: string,
  ): Promise<{ text: string; changed?: PoolChanged }> {
    const current = (await repo.getDesired())?.desired ?? 0;
    const next = Math.max(0, current - 1);
    if (next === current) return { text: `desired stays ${current}` };
    await repo.setDesired(next, cause, now);
    return {
      text: `desired ${current} -> ${next}`,
      changed: poolChanged(next, current, cause, commandId, now, 'manual'),
    };
  }

  /** terminateAll drains and terminates every worker and sets the desired size to 0. */
  terminateAll(command: TerminateAllCommand): Promise<string> {
    return this.run(command.commandId, FLEET_TERMINATE_ALL.pattern, async (repo, now) => {
      const current = (await repo.getDesired())?.desired ?? 0;
      const cause = withReason('terminate all', command.reason);
      if (current !== 0) await repo.setDesired(0, cause, now);
      const drained: PoolChange['drained'] = [];
      for (const record of await repo.listLive()) {
        if (record.instanceId && record.state === 'running') {
          drained.push(await this.drain(repo, record, `drained: ${cause}`, now));
        }
      }
      // Launch records not handed to the provider yet are cancelled by the next pass; launches
      // in flight finish and are drained then.
      return {
        outcome: `desired ${current} -> 0; draining ${drained.length}`,
        result: {
          pool:
            current !== 0
              ? poolChanged(0, current, cause, command.commandId, now, 'shutdown')
              : undefined,
          drained,
        },
      };
    });
  }

  /**
   * resize sets the desired size to `target(current)` (clamped to 0..MAX_DESIRED) and records the
   * launches it needs, with tokens derived from the command id; a shrink leaves the choice of
   * workers to drain to the reconciler.
   */
  private async resize(
    repo: FleetRepository,
    now: Date,
    commandId: string,
    target: (current: number) => number,
    cause: string,
    source: PoolChangeSource,
  ): Promise<CommandOutcome<PoolChange>> {
    const current = (await repo.getDesired())?.desired ?? 0;
    const next = Math.max(0, Math.min(MAX_DESIRED, target(current)));
    if (next === current) return noChange(`unchanged at ${current}`);
    await repo.setDesired(next, cause, now);
    let launches = 0;
    if (next > current) {
      const active = (await repo.listLive()).filter(isActive).length;
      launches = Math.max(0, Math.min(next - current, next - active));
      for (let i = 0; i < launches; i++) {
        await repo.insert(
          newLaunchRecord(
            launchToken(commandId, i),
            `launched for command ${commandId}: ${cause}`,
            now,
            commandId,
          ),
        );
      }
    }
    return {
      outcome: `desired ${current} -> ${next}` + (launches ? `; ${launches} launch(es)` : ''),
      result: { pool: poolChanged(next, current, cause, commandId, now, source), drained: [] },
    };
  }

  /** drain marks a worker draining inside the command's transaction. */
  private async drain(
    repo: FleetRepository,
    record: InstanceRecord,
    cause: string,
    now: Date,
  ): Promise<{ record: InstanceRecord; previous: InstanceRecord }> {
    const next = markDraining(record, cause, now);
    await repo.update(next);
    return { record: next, previous: record };
  }

  /**
   * run applies a command once under the fleet lock, announces what changed after the commit,
   * and asks for a reconcile pass (which deregisters the drained workers and starts launches).
   */
  private async run(
    commandId: string,
    pattern: string,
    apply: (repo: FleetRepository, now: Date) => Promise<CommandOutcome<PoolChange>>,
  ): Promise<string> {
    const outcome = await this.lock.run(async () => {
      const now = this.clock();
      const run = await this.store.runCommand(commandId, pattern, now, (repo) => apply(repo, now));
      if (run.duplicate) {
        this.logger.log(
          `${pattern} ${commandId} was handled before (${run.outcome}); nothing to do`,
        );
        return `duplicate: ${run.outcome}`;
      }
      const { pool, drained } = run.result;
      if (pool) await this.events.poolChanged(pool);
      for (const { record, previous } of drained) {
        await this.events.instanceState(
          instanceStateEvent(record, previous, record.drainCause ?? '', now),
        );
      }
      this.logger.log(`${pattern} ${commandId}: ${run.outcome}`);
      return run.outcome;
    });
    this.reconciler.requestPass();
    return outcome;
  }
}

// Outcomes of a removal start with its verdict, so a repeated command answers the same one.
const DRAINING = 'draining';
const CANCELLED = 'cancelled';
const REFUSED_CONFLICT = 'refused (conflict):';
const REFUSED_NOT_FOUND = 'refused (not found):';

type RemovalVerdict =
  | { refused: typeof REMOVE_WORKER_CONFLICT | 'not-found'; message: string }
  | { refused?: undefined; action: RemoveWorkerReply['action']; message: string };

/** removalVerdict reads the verdict back from a removal's stored outcome. */
export function removalVerdict(stored: string): RemovalVerdict {
  const outcome = stored.replace(/^duplicate: /, '');
  if (outcome.startsWith(REFUSED_CONFLICT)) {
    return {
      refused: REMOVE_WORKER_CONFLICT,
      message: outcome.slice(REFUSED_CONFLICT.length).trim(),
    };
  }
  if (outcome.startsWith(REFUSED_NOT_FOUND)) {
    return { refused: 'not-found', message: outcome.slice(REFUSED_NOT_FOUND.length).trim() };
  }
  return { action: outcome.startsWith(CANCELLED) ? 'cancelled' : 'draining', message: outcome };
}

function noChange(outcome: string): CommandOutcome<PoolChange> {
  return { outcome, result: { drained: [] } };
}

function poolChanged(
  desired: number,
  previous: number,
  cause: string,
  commandId: string,
  at: Date,
  source: PoolChangeSource,
): PoolChanged {
  return {
    desired,
    previous,
    cause: cause.slice(0, 500),
    commandId,
    source,
    at: at.toISOString(),
  };
}
