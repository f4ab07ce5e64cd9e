import { TargetHealth } from '@app/contracts';

/** TARGET_REASONS are the reason codes a target's health carries, as ELBv2 spells them. */
export const TARGET_REASONS = {
  /** Registered; no health check has answered yet. */
  registrationInProgress: 'Elb.RegistrationInProgress',
  /** Some checks passed, not yet BALANCER_HEALTHY_THRESHOLD in a row. */
  initialHealthChecking: 'Elb.InitialHealthChecking',
  /** The check could not connect, or the connection broke. */
  failedHealthChecks: 'Target.FailedHealthChecks',
  /** The check got no answer within BALANCER_HEALTH_TIMEOUT_MS. */
  timeout: 'Target.Timeout',
  /** The check got an answer with a status other than 2xx. */
  responseCodeMismatch: 'Target.ResponseCodeMismatch',
  /** Deregistered: in-flight requests finish, no new ones arrive. */
  deregistrationInProgress: 'Target.DeregistrationInProgress',
} as const;

/** TargetReason is one of TARGET_REASONS. */
export type TargetReason = (typeof TARGET_REASONS)[keyof typeof TARGET_REASONS];

/** BalancerTargetHealth is the part of the contract's TargetHealth a registered target can be in. */
export type BalancerTargetHealth = Exclude<TargetHealth, 'unused'>;

/** HealthCheckResult is the outcome of one health check of one target. */
export type HealthCheckResult =
  | { passed: true }
  | {
      passed: false;
      reason:
        | typeof TARGET_REASONS.failedHealthChecks
        | typeof TARGET_REASONS.timeout
        | typeof TARGET_REASONS.responseCodeMismatch;
      /** What happened, for people ("Health checks failed with these codes: [503]"). */
      description: string;
    };

/** TargetHealthState is what the health checks decide about a target. */
export interface TargetHealthState {
  health: BalancerTargetHealth;
  reason: TargetReason | null;
  description: string | null;
  /** Consecutive passed checks. */
  passes: number;
  /** Consecutive failed checks. */
  failures: number;
}

/** HealthThresholds are the consecutive-check counts that change a target's health. */
export interface HealthThresholds {
  healthy: number;
  unhealthy: number;
}

/** Target is one registered (or draining) target of the balancer. */
export interface Target extends TargetHealthState {
  readonly id: string;
  address: string;
  host: string;
  port: number;
  /** Requests currently proxied to this target. */
  inFlight: number;
  registeredAt: Date;
  /**
   * Bumped on every (re-)registration, so a health check that started before the target was
   * re-registered (maybe at another address) cannot change the new registration's health.
   */
  generation: number;
}

/** TargetView is a target as the admin API lists it. */
export interface TargetView {
  id: string;
  address: string;
  health: BalancerTargetHealth;
  reason: TargetReason | null;
  description: string | null;
  inFlight: number;
  registeredAt: string;
}

/** initialHealthState is the state of a freshly (re-)registered target. */
export function initialHealthState(): TargetHealthState {
  return {
    health: 'initial',
    reason: TARGET_REASONS.registrationInProgress,
    description: 'Target registration is in progress',
    passes: 0,
    failures: 0,
  };
}

/**
 * nextHealthState applies one health-check result to a target's health, as ELBv2 does: a target
 * becomes healthy after `healthy` consecutive passes and unhealthy after `unhealthy` consecutive
 * failures; one result of the other kind resets the count. Draining targets are not checked, so
 * their state is returned unchanged. Pure: no clock, no I/O.
 */
export function nextHealthState(
  state: TargetHealthState,
  result: HealthCheckResult,
  thresholds: HealthThresholds,
): TargetHealthState {
  if (state.health === 'draining') return state;
  if (result.passed) {
    const passes = state.passes + 1;
    if (state.health === 'healthy' || passes >= thresholds.healthy) {
      return { health: 'healthy', reason: null, description: null, passes, failures: 0 };
    }
    if (state.health === 'initial') {
      return {
        health: 'initial',
        reason: TARGET_REASONS.initialHealthChecking,
        description: `Initial health checks in progress (${passes} of ${thresholds.healthy} passed)`,
        passes,
        failures: 0,
      };
    }
    // Unhealthy and passing again: stays unhealthy (with its last failure's reason) until the
    // healthy threshold is reached, so one lucky check cannot flap it back into rotation.
    return { ...state, passes, failures: 0 };
  }
  const failures = state.failures + 1;
  if (state.health === 'unhealthy' || failures >= thresholds.unhealthy) {
    return {
      health: 'unhealthy',
      reason: result.reason,
      description: result.description,
      passes: 0,
      failures,
    };
  }
  // Below the unhealthy threshold: a healthy target keeps serving, an initial one keeps waiting.
  return { ...state, passes: 0, failures };
}

/** toTargetView is the admin API's JSON shape of a target. */
export function toTargetView(target: Target): TargetView {
  return {
    id: target.id,
    address: target.address,
    health: target.health,
    reason: target.reason,
    description: target.description,
    inFlight: target.inFlight,
    registeredAt: target.registeredAt.toISOString(),
  };
}
