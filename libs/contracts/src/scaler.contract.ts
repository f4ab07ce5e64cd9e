import {
  IsBoolean,
  IsInt,
  IsISO8601,
  IsNumber,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  registerDecorator,
  ValidationArguments,
  ValidationOptions,
} from 'class-validator';
import { CommandDto } from './base.dto';
import { defineCommand, defineEvent, defineQuery } from './define';

/** Policy bounds from the original project: thresholds 0.1–99.9 %, ratios above 1. */
export const THRESHOLD_MIN = 0.1;
export const THRESHOLD_MAX = 99.9;
export const RATIO_MIN_EXCLUSIVE = 1;
export const RATIO_MAX = 10;
/** The auto-scaler keeps the pool within these bounds by default (DESIGN.md: 1..10). */
export const DEFAULT_MIN_WORKERS = 1;
export const DEFAULT_MAX_WORKERS = 10;
export const POOL_HARD_MAX = 50;

function LessThanField(field: string, options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'lessThanField',
      target: object.constructor,
      propertyName,
      constraints: [field],
      options,
      validator: {
        validate(value: unknown, args: ValidationArguments) {
          const other = (args.object as Record<string, unknown>)[args.constraints[0] as string];
          return typeof value !== 'number' || typeof other !== 'number' || value < other;
        },
      },
    });
}

function NotAboveField(field: string, options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'notAboveField',
      target: object.constructor,
      propertyName,
      constraints: [field],
      options,
      validator: {
        validate(value: unknown, args: ValidationArguments) {
          const other = (args.object as Record<string, unknown>)[args.constraints[0] as string];
          return typeof value !== 'number' || typeof other !== 'number' || value <= other;
        },
      },
    });
}

function GreaterThan(limit: number, options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'greaterThan',
      target: object.constructor,
      propertyName,
      constraints: [limit],
      options,
      validator: {
        validate: (value: unknown) => typeof value === 'number' && value > limit,
      },
    });
}

/** ScalingPolicy is the auto-scaling policy an operator saves (PUT /api/policy, "Update"). */
export class ScalingPolicy {
  @IsNumber({}, { message: 'growThreshold must be a number' })
  @Min(THRESHOLD_MIN, { message: `growThreshold must be at least ${THRESHOLD_MIN}` })
  @Max(THRESHOLD_MAX, { message: `growThreshold must be at most ${THRESHOLD_MAX}` })
  growThreshold!: number;

  @IsNumber({}, { message: 'shrinkThreshold must be a number' })
  @Min(THRESHOLD_MIN, { message: `shrinkThreshold must be at least ${THRESHOLD_MIN}` })
  @Max(THRESHOLD_MAX, { message: `shrinkThreshold must be at most ${THRESHOLD_MAX}` })
  @LessThanField('growThreshold', { message: 'shrinkThreshold must be below growThreshold' })
  shrinkThreshold!: number;

  @IsNumber({}, { message: 'growRatio must be a number' })
  @GreaterThan(RATIO_MIN_EXCLUSIVE, { message: 'growRatio must be greater than 1' })
  @Max(RATIO_MAX, { message: `growRatio must be at most ${RATIO_MAX}` })
  growRatio!: number;

  @IsNumber({}, { message: 'shrinkRatio must be a number' })
  @GreaterThan(RATIO_MIN_EXCLUSIVE, { message: 'shrinkRatio must be greater than 1' })
  @Max(RATIO_MAX, { message: `shrinkRatio must be at most ${RATIO_MAX}` })
  shrinkRatio!: number;

  @IsInt({ message: 'minWorkers must be a whole number' })
  @Min(1, { message: 'minWorkers must be at least 1' })
  @Max(POOL_HARD_MAX, { message: `minWorkers must be at most ${POOL_HARD_MAX}` })
  @NotAboveField('maxWorkers', { message: 'minWorkers must not be above maxWorkers' })
  minWorkers: number = DEFAULT_MIN_WORKERS;

  @IsInt({ message: 'maxWorkers must be a whole number' })
  @Min(1, { message: 'maxWorkers must be at least 1' })
  @Max(POOL_HARD_MAX, { message: `maxWorkers must be at most ${POOL_HARD_MAX}` })
  maxWorkers: number = DEFAULT_MAX_WORKERS;

  @IsBoolean({ message: 'enabled must be true or false' })
  enabled: boolean = true;
}

/**
 * ORIGINAL_POLICY is the policy of the original course project's run (DESIGN.md): grow ×2 above
 * 20 % CPU, shrink ÷2 below 10 %, 1..10 workers, enabled.
 */
export const ORIGINAL_POLICY: Readonly<ScalingPolicy> = {
  growThreshold: 20,
  shrinkThreshold: 10,
  growRatio: 2,
  shrinkRatio: 2,
  minWorkers: DEFAULT_MIN_WORKERS,
  maxWorkers: DEFAULT_MAX_WORKERS,
  enabled: true,
};

/** PolicyView answers the policy queries: the stored policy, or null before one is saved. */
export interface PolicyView {
  policy: ScalingPolicy | null;
  /** True only when a policy is saved and enabled. */
  enabled: boolean;
  updatedAt: string | null;
}

/**
 * HOLD_LAUNCHING: the CPU is high but part of the desired pool is not in service yet (launching,
 * failing its health checks, or its launch failed): growing again would count capacity that does
 * not serve (issue #9: 4 → 8 → 10 while 2 workers served).
 */
export const HOLD_LAUNCHING = 'hold-launching';
/**
 * HOLD_NO_SAMPLES: workers are in service but none sent a CPU sample in the window, as when they
 * are too overloaded to answer the metrics scrape; the pool is never shrunk on that.
 */
export const HOLD_NO_SAMPLES = 'hold-no-samples';

/** Reason codes of a scaling decision; logged, stored, shown in the UI. */
export const DECISION_REASONS = [
  'grow',
  'shrink',
  'hold-within-thresholds',
  'hold-cooldown',
  'hold-no-data',
  HOLD_NO_SAMPLES,
  HOLD_LAUNCHING,
  'hold-at-max',
  'hold-at-min',
  'clamp-to-min',
  'clamp-to-max',
  'disabled',
] as const;
export type DecisionReason = (typeof DECISION_REASONS)[number];

/** ScalingDecision is one evaluation of the policy, stored and broadcast. */
export class ScalingDecision {
  @IsISO8601()
  at!: string;

  @IsOptional()
  @IsNumber()
  averageCpu!: number | null;

  @IsInt()
  workersCounted!: number;

  @IsInt()
  sizeBefore!: number;

  @IsInt()
  sizeAfter!: number;

  @IsString()
  reason!: DecisionReason;

  @IsString()
  @MaxLength(1000)
  message!: string;
}

/** DecisionsQuery asks for the newest decisions. */
export class DecisionsQuery {
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  /** Only decisions that changed the size. */
  @IsOptional()
  @IsBoolean()
  changesOnly?: boolean;
}

/** DisableScalerCommand turns the auto-scaler off (sent by "Stopping"). */
export class DisableScalerCommand extends CommandDto {}

/** PolicyChanged is emitted when the policy is saved or the scaler is disabled. */
export class PolicyChanged {
  @IsOptional()
  policy!: ScalingPolicy | null;

  @IsBoolean()
  enabled!: boolean;

  @IsString()
  cause!: string;

  @IsISO8601()
  at!: string;
}

export const SCALER_GET_POLICY = defineQuery<object, PolicyView>(
  'scaler.get-policy',
  'scaler',
  class GetPolicyQuery {},
);
export const SCALER_PUT_POLICY = defineQuery<ScalingPolicy, PolicyView>(
  'scaler.put-policy',
  'scaler',
  ScalingPolicy,
);
export const SCALER_DECISIONS = defineQuery<DecisionsQuery, ScalingDecision[]>(
  'scaler.decisions',
  'scaler',
  DecisionsQuery,
);
/** ScalerEvaluation is the latest evaluation as SCALER_STATUS reports it. */
export interface ScalerEvaluation {
  at: string;
  averageCpu: number | null;
  workersCounted: number;
  /** grow / shrink when the size changed, else hold. */
  decision: 'grow' | 'shrink' | 'hold';
  reason: DecisionReason;
  message: string;
  sizeBefore: number;
  sizeAfter: number;
}

/** ScalerStatus is what the auto-scaler is doing now (SCALER_STATUS, `GET /api/scaler`). */
export interface ScalerStatus {
  enabled: boolean;
  lastEvaluation: ScalerEvaluation | null;
  /** When the cooldown after the last change ends; null when none is running. */
  cooldownUntil: string | null;
  /** When the next evaluation is due; null while the scaler is disabled. */
  nextEvaluationAt: string | null;
}

export const SCALER_STATUS = defineQuery<object, ScalerStatus>(
  'scaler.status',
  'scaler',
  class ScalerStatusQuery {},
);
export const SCALER_DISABLE = defineCommand('scaler.disable', 'scaler', DisableScalerCommand);
export const SCALER_DECISION = defineEvent('scaler.decision', ScalingDecision);
export const SCALER_POLICY_CHANGED = defineEvent('scaler.policy-changed', PolicyChanged);
