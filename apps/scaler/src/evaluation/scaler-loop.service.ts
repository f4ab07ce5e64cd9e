import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import { FLEET_SET_DESIRED, SCALER_DECISION, ScalerStatus, ScalingDecision } from '@app/contracts';
import { MessageBus, NonOverlappingLoop } from '@app/messaging';
import { decideScale } from '../decision/scale-decision';
import { DecisionLogService } from '../decisions/decision-log.service';
import { ObservedPoolService } from '../observation/observed-pool.service';
import { PolicyService } from '../policy/policy.service';
import { SCALER_CONFIG, ScalerConfig } from '../scaler.config';

/** Samples are kept for twice the window: enough to tell "stale" from "never measured". */
const SAMPLE_KEEP_FACTOR = 2;
/** Old decisions are pruned at most once an hour. */
const PRUNE_EVERY_MS = 3600_000;

/**
 * ScalerLoopService evaluates the policy every SCALER_INTERVAL_S: it hands the observed samples,
 * pool, policy and time of the last change to decideScale, sends a change to the fleet as
 * FLEET_SET_DESIRED (source 'scaler', the decision's message as the reason), then stores the
 * decision and broadcasts it as SCALER_DECISION. A disabled scaler decides nothing and stores
 * nothing.
 */
@Injectable()
export class ScalerLoopService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ScalerLoopService.name);
  private readonly loop: NonOverlappingLoop;
  private lastChangeAt: Date | null = null;
  private prunedAt = -Infinity;
  private nextAt: Date | null = null;

  constructor(
    private readonly observed: ObservedPoolService,
    private readonly policies: PolicyService,
    private readonly log: DecisionLogService,
    private readonly bus: MessageBus,
    @Inject(SCALER_CONFIG) private readonly config: ScalerConfig,
  ) {
    this.loop = new NonOverlappingLoop(
      config.SCALER_INTERVAL_S,
      async () => {
        try {
          await this.evaluate();
        } finally {
          this.nextAt = new Date(Date.now() + config.SCALER_INTERVAL_S * 1000);
        }
      },
      (error) => this.logger.error(`evaluation failed: ${error.stack ?? error.message}`),
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    this.lastChangeAt = await this.log.lastChangeAt();
    const c = this.config;
    this.logger.log(
      `evaluating every ${c.SCALER_INTERVAL_S} s (window ${c.SCALER_WINDOW_S} s, cooldown ` +
        `${c.SCALER_COOLDOWN_S} s${c.SCALER_HONOR_MANUAL_COOLDOWN ? ', manual changes too' : ''}, ` +
        `warm-up ${c.SCALER_WARMUP_S} s); last change: ` +
        (this.lastChangeAt?.toISOString() ?? 'never'),
    );
    if (c.SCALER_COOLDOWN_S < c.SCALER_WINDOW_S) {
      this.logger.warn(
        `SCALER_COOLDOWN_S (${c.SCALER_COOLDOWN_S}) is shorter than SCALER_WINDOW_S (${c.SCALER_WINDOW_S}): ` +
          'the first decision after a change still averages samples of the old pool and may overshoot',
      );
    }
    this.nextAt = new Date(Date.now() + c.SCALER_INTERVAL_S * 1000);
    this.loop.start();
  }

  /** status reports the latest evaluation, the cooldown and the next evaluation (SCALER_STATUS). */
  async status(now = new Date()): Promise<ScalerStatus> {
    const [policy, [last]] = await Promise.all([
      this.policies.current(),
      this.log.newest({ limit: 1 }),
    ]);
    const enabled = policy?.enabled === true;
    const change = this.lastChange().at;
    const cooldownEnd = change ? change.getTime() + this.config.SCALER_COOLDOWN_S * 1000 : 0;
    return {
      enabled,
      lastEvaluation: last
        ? {
            at: last.at,
            averageCpu: last.averageCpu,
            workersCounted: last.workersCounted,
            decision:
              last.sizeAfter > last.sizeBefore
                ? 'grow'
                : last.sizeAfter < last.sizeBefore
                  ? 'shrink'
                  : 'hold',
            reason: last.reason,
            message: last.message,
            sizeBefore: last.sizeBefore,
            sizeAfter: last.sizeAfter,
          }
        : null,
      cooldownUntil: cooldownEnd > now.getTime() ? new Date(cooldownEnd).toISOString() : null,
      nextEvaluationAt: enabled && this.nextAt ? this.nextAt.toISOString() : null,
    };
  }

  async onModuleDestroy(): Promise<void> {
    await this.loop.stop();
  }

  /** lastChange is the newer of the scaler's last change and (when honoured) the last manual one. */
  private lastChange(): { at: Date | null; by: 'scaler' | 'manual' } {
    const manual = this.config.SCALER_HONOR_MANUAL_COOLDOWN
      ? this.observed.lastManualChangeAt()
      : null;
    if (manual && (!this.lastChangeAt || manual > this.lastChangeAt)) {
      return { at: manual, by: 'manual' };
    }
    return { at: this.lastChangeAt, by: 'scaler' };
  }

  /** evaluate runs the policy once; returns the decision, or null when nothing was decided. */
  async evaluate(now = new Date()): Promise<ScalingDecision | null> {
    this.observed.refreshIfQuiet();
    const c = this.config;
    const samples = this.observed.recentSamples(now, c.SCALER_WINDOW_S * SAMPLE_KEEP_FACTOR);
    const size = this.observed.currentSize();
    const policy = await this.policies.current();
    if (!policy?.enabled) return null;
    if (size === null) {
      this.logger.warn('no word from the fleet yet: the pool size is unknown, nothing decided');
      return null;
    }
    const lastChange = this.lastChange();
    const outcome = decideScale({
      samples,
      workers: this.observed.inService(),
      launching: this.observed.launching(),
      currentSize: size,
      policy,
      lastChangeAt: lastChange.at,
      lastChangeBy: lastChange.by,
      now,
      windowS: c.SCALER_WINDOW_S,
      cooldownS: c.SCALER_COOLDOWN_S,
      warmupS: c.SCALER_WARMUP_S,
    });
    const decision: ScalingDecision = {
      at: now.toISOString(),
      averageCpu: outcome.averageCpu,
      workersCounted: outcome.workersCounted,
      sizeBefore: size,
      sizeAfter: outcome.newSize,
      reason: outcome.reason,
      message: outcome.message.slice(0, 1000),
    };
    let commandId: string | null = null;
    if (outcome.newSize !== size) {
      try {
        commandId = await this.bus.command(FLEET_SET_DESIRED, {
          desired: outcome.newSize,
          source: 'scaler',
          reason: `scaler: ${outcome.message}`.slice(0, 500),
        });
      } catch (error) {
        // Not sent, so not a change: no cooldown starts and the next evaluation tries again.
        this.logger.error(
          `could not send ${size} → ${outcome.newSize} to the fleet: ${(error as Error).message}`,
        );
        return null;
      }
      this.lastChangeAt = now;
      this.logger.log(`${outcome.reason}: ${outcome.message}`);
    } else {
      this.logger.debug(`${outcome.reason}: ${outcome.message}`);
    }
    await this.log.record(decision, commandId);
    await this.bus
      .emit(SCALER_DECISION, decision)
      .catch((error: Error) => this.logger.warn(`decision not broadcast: ${error.message}`));
    if (now.getTime() - this.prunedAt >= PRUNE_EVERY_MS) {
      this.prunedAt = now.getTime();
      await this.log.prune(now);
    }
    return decision;
  }
}
