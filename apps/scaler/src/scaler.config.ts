import { AMQP_ENV, CLOUD_ENV, DATABASE_ENV, env, loadConfig } from '@app/config';
import {
  DEFAULT_COOLDOWN_S,
  DEFAULT_INTERVAL_S,
  DEFAULT_WARMUP_S,
  DEFAULT_WINDOW_S,
} from './decision/scale-decision';

const DAY_S = 86400;

/**
 * AWS_DEFAULT_WINDOW_S is SCALER_WINDOW_S's default with CLOUD_PROVIDER=aws: at least 3 CloudWatch
 * periods of 60 s (5 here), since the newest minute is published a minute or two late.
 */
export const AWS_DEFAULT_WINDOW_S = 300;

/** SCALER_ENV lists every variable the scaler reads. */
export const SCALER_ENV = {
  ...AMQP_ENV,
  ...DATABASE_ENV,
  ...CLOUD_ENV,
  /** Seconds between two evaluations of the policy. */
  SCALER_INTERVAL_S: env.number(DEFAULT_INTERVAL_S, 0.1, DAY_S),
  /** Seconds of CPU samples averaged by one evaluation (unset: see loadScalerConfig). */
  SCALER_WINDOW_S: env.number(0, 0.1, DAY_S).optional(),
  /** Seconds after a change during which the size is held. */
  SCALER_COOLDOWN_S: env.number(DEFAULT_COOLDOWN_S, 0, DAY_S),
  /** Seconds after its launch during which a worker's CPU is not counted. */
  SCALER_WARMUP_S: env.number(DEFAULT_WARMUP_S, 0, DAY_S),
  /**
   * A manual change of the size (grow, shrink, terminate from the manager) starts the cooldown,
   * so the auto-scaler does not undo it at its next evaluation (DESIGN.md).
   */
  SCALER_HONOR_MANUAL_COOLDOWN: env.bool(true),
  /** Without a fleet snapshot for this long, the pool is asked for (FLEET_LIST). */
  SCALER_FLEET_REFRESH_S: env.number(30, 0.1, DAY_S),
  /** Days of decisions kept in `scaling_decisions`. */
  SCALER_DECISION_RETENTION_DAYS: env.int(30, 1, 3650),
};

/** ScalerConfig is the validated configuration of the scaler. */
export type ScalerConfig = ReturnType<typeof loadScalerConfig>;

/** loadScalerConfig reads SCALER_ENV from `source`; throws ConfigError naming a bad variable. */
export function loadScalerConfig(source: NodeJS.ProcessEnv = process.env) {
  const config = loadConfig(SCALER_ENV, source);
  const defaultWindowS = config.CLOUD_PROVIDER === 'aws' ? AWS_DEFAULT_WINDOW_S : DEFAULT_WINDOW_S;
  return { ...config, SCALER_WINDOW_S: config.SCALER_WINDOW_S ?? defaultWindowS };
}

/** SCALER_CONFIG is the DI token of the ScalerConfig. */
export const SCALER_CONFIG = Symbol('SCALER_CONFIG');
