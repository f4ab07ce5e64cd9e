import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DecisionReason, DecisionsQuery, ScalingDecision } from '@app/contracts';
import { LessThan, Repository } from 'typeorm';
import { SCALER_CONFIG, ScalerConfig } from '../scaler.config';
import { ScalingDecisionRow } from './scaling-decision.entity';

/** DEFAULT_DECISIONS_LIMIT is how many decisions SCALER_DECISIONS answers without a limit. */
export const DEFAULT_DECISIONS_LIMIT = 50;

function toDecision(row: ScalingDecisionRow): ScalingDecision {
  return {
    at: row.at.toISOString(),
    averageCpu: row.averageCpu === null ? null : Number(row.averageCpu),
    workersCounted: Number(row.workersCounted),
    sizeBefore: Number(row.sizeBefore),
    sizeAfter: Number(row.sizeAfter),
    reason: row.reason as DecisionReason,
    message: row.message,
  };
}

/**
 * DecisionLogService stores every decision (table `scaling_decisions`), answers the newest ones,
 * and knows when the size last changed: the cooldown survives a restart because it is read back
 * from the stored changes, not kept in memory only.
 */
@Injectable()
export class DecisionLogService {
  constructor(
    @InjectRepository(ScalingDecisionRow) private readonly rows: Repository<ScalingDecisionRow>,
    @Inject(SCALER_CONFIG) private readonly config: ScalerConfig,
  ) {}

  /** record stores one decision (with the command that carried it, for a change). */
  async record(decision: ScalingDecision, commandId: string | null): Promise<void> {
    await this.rows.insert({
      at: new Date(decision.at),
      averageCpu: decision.averageCpu,
      workersCounted: decision.workersCounted,
      sizeBefore: decision.sizeBefore,
      sizeAfter: decision.sizeAfter,
      reason: decision.reason,
      message: decision.message,
      commandId,
    });
  }

  /** newest answers SCALER_DECISIONS: newest first. */
  async newest(query: DecisionsQuery): Promise<ScalingDecision[]> {
    const qb = this.rows
      .createQueryBuilder('d')
      .orderBy('d.id', 'DESC')
      .limit(query.limit ?? DEFAULT_DECISIONS_LIMIT);
    if (query.changesOnly) qb.where('d.sizeAfter <> d.sizeBefore');
    return (await qb.getMany()).map(toDecision);
  }

  /** lastChangeAt is when the scaler last changed the size (null: never). */
  async lastChangeAt(): Promise<Date | null> {
    const row = await this.rows
      .createQueryBuilder('d')
      .select('MAX(d.at)', 'at')
      .where('d.sizeAfter <> d.sizeBefore')
      .getRawOne<{ at: Date | string | null }>();
    return row?.at ? new Date(row.at) : null;
  }

  /** prune deletes decisions older than SCALER_DECISION_RETENTION_DAYS. */
  async prune(now = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - this.config.SCALER_DECISION_RETENTION_DAYS * 86400_000);
    const result = await this.rows.delete({ at: LessThan(cutoff) });
    return result.affected ?? 0;
  }
}
