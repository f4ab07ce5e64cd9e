import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  GrowCommand,
  MAX_DESIRED,
  PoolChanged,
  PoolChangeSource,
  SetDesiredCommand,
  ShrinkCommand,
  TerminateAllCommand,
  TerminateCommand,
  FLEET_GROW,
  FLEET_SET_DESIRED,
  FLEET_SHRINK,
  FLEET_TERMINATE,
  FLEET_TERMINATE_ALL,
} from '@app/contracts';
import { FleetEvents } from '../events/fleet.events';
import { FleetLock } from '../reconcile/fleet.lock';
import { launchToken, withReason } from '../reconcile/reconcile.rules';
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

const isActive = (r: InstanceRecord) => r.state === 'pending' || r.state === 'running';

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

  /** terminate drains and terminates one worker and lowers the desired size by one. */
  terminate(command: TerminateCommand): Promise<string> {
    return this.run(command.commandId, FLEET_TERMINATE.pattern, async (repo, now) => {
      const id = command.instanceId;
      const [record] = await repo.findByInstanceIds([id]);
      if (!record || record.state === 'terminated') {
        return noChange(`ignored: no running worker ${id}`);
      }
      if (record.state === 'draining') return noChange(`ignored: ${id} is already draining`);
      const current = (await repo.getDesired())?.desired ?? 0;
      const next = Math.max(0, current - 1);
      const cause = withReason(`terminate ${id}`, command.reason);
      if (next !== current) await repo.setDesired(next, cause, now);
      const drained = await this.markDraining(repo, record, `drained: ${cause}`, now);
      return {
        outcome: `draining ${id}; desired ${current} -> ${next}`,
        result: {
          pool:
            next !== current
              ? poolChanged(next, current, cause, command.commandId, now, 'manual')
              : undefined,
          drained: [drained],
        },
      };
    });
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
          drained.push(await this.markDraining(repo, record, `drained: ${cause}`, now));
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

  private async markDraining(
    repo: FleetRepository,
    record: InstanceRecord,
    cause: string,
    now: Date,
  ): Promise<{ record: InstanceRecord; previous: InstanceRecord }> {
    const next: InstanceRecord = {
      ...record,
      state: 'draining',
      drainStartedAt: now,
      drainCause: cause,
    };
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
        await this.events.instanceState({
          instanceId: record.instanceId!,
          state: record.state,
          health: record.health,
          previousState: previous.state,
          previousHealth: previous.health,
          address: record.address,
          launchedAt: (record.launchedAt ?? record.requestedAt).toISOString(),
          cause: (record.drainCause ?? '').slice(0, 500),
          at: now.toISOString(),
        });
      }
      this.logger.log(`${pattern} ${commandId}: ${run.outcome}`);
      return run.outcome;
    });
    this.reconciler.requestPass();
    return outcome;
  }
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
