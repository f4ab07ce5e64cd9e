import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  ClearResult,
  InstanceStateChanged,
  PolicyChanged,
  PoolChanged,
  ScalingDecision,
} from '@app/contracts';
import { Subject } from 'rxjs';
import { LessThan, MoreThanOrEqual, Repository } from 'typeorm';
import { GatewayConfig } from '../gateway.config';
import { GATEWAY_CONFIG } from '../gateway.tokens';
import {
  ActivityDraft,
  describeCleared,
  describeDecision,
  describeInstanceState,
  describePolicyChanged,
  describePoolChanged,
  shouldRecordDecision,
} from './activity-entry';
import { ActivityEntity, ActivityKind } from './activity.entity';

/** ActivityView is one activity line as the API and the pages show it. */
export interface ActivityView {
  id: number;
  at: string;
  kind: ActivityKind;
  message: string;
  cause: string;
  instanceId: string | null;
  data: unknown;
}

/** PoolHistory feeds the pool-size chart: the size over time and the scaler's changes marked. */
export interface PoolHistory {
  since: string;
  size: { t: string; v: number }[];
  decisions: { t: string; v: number; reason: string; message: string }[];
}

const PRUNE_EVERY_MS = 6 * 3600 * 1000;

/**
 * ActivityService keeps the activity list (table `activity`) from the fleet, scaler and janitor
 * events the gateway consumes, and answers it newest first. New lines are also pushed on
 * `added$` for the live pages.
 */
@Injectable()
export class ActivityService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Activity');
  private lastDecisionReason?: string;
  private pruneTimer?: NodeJS.Timeout;
  /** added$ emits every stored line. */
  readonly added$ = new Subject<ActivityView>();

  constructor(
    @InjectRepository(ActivityEntity) private readonly repo: Repository<ActivityEntity>,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  onApplicationBootstrap(): void {
    void this.prune();
    this.pruneTimer = setInterval(() => void this.prune(), PRUNE_EVERY_MS);
    this.pruneTimer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.pruneTimer);
    this.added$.complete();
  }

  onInstanceState(e: InstanceStateChanged): Promise<void> {
    return this.record(describeInstanceState(e));
  }

  onPoolChanged(e: PoolChanged): Promise<void> {
    return this.record(describePoolChanged(e));
  }

  async onDecision(d: ScalingDecision): Promise<void> {
    const record = shouldRecordDecision(d, this.lastDecisionReason);
    this.lastDecisionReason = d.reason;
    if (record) await this.record(describeDecision(d));
  }

  onPolicyChanged(e: PolicyChanged): Promise<void> {
    return this.record(describePolicyChanged(e));
  }

  onCleared(r: ClearResult): Promise<void> {
    return this.record(describeCleared(r));
  }

  /** list answers the newest `limit` lines, newest first (optionally of one worker). */
  async list(limit: number, instanceId?: string): Promise<ActivityView[]> {
    const rows = await this.repo.find({
      where: instanceId ? { instanceId } : {},
      order: { at: 'DESC', id: 'DESC' },
      take: limit,
    });
    return rows.map(toView);
  }

  /** poolHistory answers the pool size over the past `minutes`, with the scaler's changes. */
  async poolHistory(minutes: number, now = new Date()): Promise<PoolHistory> {
    const since = new Date(now.getTime() - minutes * 60_000);
    const [before, changes, decisions] = await Promise.all([
      this.repo.findOne({
        where: { kind: 'pool-changed', at: LessThan(since) },
        order: { at: 'DESC', id: 'DESC' },
      }),
      this.repo.find({
        where: { kind: 'pool-changed', at: MoreThanOrEqual(since) },
        order: { at: 'ASC', id: 'ASC' },
        take: 2000,
      }),
      this.repo.find({
        where: { kind: 'scaler-decision', at: MoreThanOrEqual(since) },
        order: { at: 'ASC', id: 'ASC' },
        take: 2000,
      }),
    ]);
    const size: PoolHistory['size'] = [];
    const first = before
      ? (before.data as PoolChanged).desired
      : changes.length
        ? (changes[0].data as PoolChanged).previous
        : undefined;
    if (first !== undefined) size.push({ t: since.toISOString(), v: first });
    for (const c of changes)
      size.push({ t: c.at.toISOString(), v: (c.data as PoolChanged).desired });
    return {
      since: since.toISOString(),
      size,
      decisions: decisions
        .map((d) => ({ at: d.at, d: d.data as ScalingDecision }))
        .filter(({ d }) => d.sizeAfter !== d.sizeBefore)
        .map(({ at, d }) => ({
          t: at.toISOString(),
          v: d.sizeAfter,
          reason: d.reason,
          message: d.message,
        })),
    };
  }

  private async record(draft: ActivityDraft): Promise<void> {
    const at = Number.isNaN(draft.at.getTime()) ? new Date() : draft.at;
    const saved = await this.repo.save(this.repo.create({ ...draft, at }));
    this.added$.next(toView(saved));
  }

  private async prune(): Promise<void> {
    const cutoff = new Date(Date.now() - this.config.ACTIVITY_RETENTION_DAYS * 86_400_000);
    try {
      await this.repo.delete({ at: LessThan(cutoff) });
    } catch (error) {
      this.logger.warn(`could not prune the activity list: ${(error as Error).message}`);
    }
  }
}

function toView(row: ActivityEntity): ActivityView {
  return {
    id: row.id,
    at: row.at.toISOString(),
    kind: row.kind,
    message: row.message,
    cause: row.cause,
    instanceId: row.instanceId,
    data: row.data,
  };
}
