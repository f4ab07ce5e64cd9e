import {
  HealthCheckResult,
  initialHealthState,
  nextHealthState,
  TARGET_REASONS,
  TargetHealthState,
} from './target';

const pass: HealthCheckResult = { passed: true };
const refused: HealthCheckResult = {
  passed: false,
  reason: TARGET_REASONS.failedHealthChecks,
  description: 'Health checks failed: ECONNREFUSED',
};
const status503: HealthCheckResult = {
  passed: false,
  reason: TARGET_REASONS.responseCodeMismatch,
  description: 'Health checks failed with these codes: [503]',
};
const thresholds = { healthy: 2, unhealthy: 2 };

const healthy: TargetHealthState = {
  health: 'healthy',
  reason: null,
  description: null,
  passes: 5,
  failures: 0,
};
const unhealthy: TargetHealthState = {
  health: 'unhealthy',
  reason: TARGET_REASONS.failedHealthChecks,
  description: 'Health checks failed: ECONNREFUSED',
  passes: 0,
  failures: 3,
};

/** run applies the results in order, starting from `from`. */
function run(from: TargetHealthState, results: HealthCheckResult[]): TargetHealthState {
  return results.reduce((state, result) => nextHealthState(state, result, thresholds), from);
}

describe('nextHealthState', () => {
  it.each([
    // [name, from, results, expected health, expected reason]
    [
      'a new target stays initial after one pass (threshold 2), checking in progress',
      initialHealthState(),
      [pass],
      'initial',
      TARGET_REASONS.initialHealthChecking,
    ],
    [
      'a new target is healthy after 2 passes in a row',
      initialHealthState(),
      [pass, pass],
      'healthy',
      null,
    ],
    [
      'a new target failing twice is unhealthy, not initial forever',
      initialHealthState(),
      [refused, refused],
      'unhealthy',
      TARGET_REASONS.failedHealthChecks,
    ],
    [
      'one failure between passes restarts the count: pass, fail, pass is not healthy yet',
      initialHealthState(),
      [pass, refused, pass],
      'initial',
      TARGET_REASONS.initialHealthChecking,
    ],
    [
      'a healthy target survives one failed check (below the unhealthy threshold)',
      healthy,
      [status503],
      'healthy',
      null,
    ],
    [
      'a healthy target failing twice in a row is unhealthy, with the last failure as reason',
      healthy,
      [refused, status503],
      'unhealthy',
      TARGET_REASONS.responseCodeMismatch,
    ],
    [
      'an unhealthy target passing once stays unhealthy: one lucky check must not flap it back',
      unhealthy,
      [pass],
      'unhealthy',
      TARGET_REASONS.failedHealthChecks,
    ],
    [
      'an unhealthy target passing twice in a row is healthy again',
      unhealthy,
      [pass, pass],
      'healthy',
      null,
    ],
    [
      'a draining target ignores health checks (it is not checked at all)',
      { ...healthy, health: 'draining', reason: TARGET_REASONS.deregistrationInProgress },
      [refused, refused, refused],
      'draining',
      TARGET_REASONS.deregistrationInProgress,
    ],
  ] as const)('%s', (_name, from, results, health, reason) => {
    const state = run(from as TargetHealthState, [...results]);
    expect(state.health).toBe(health);
    expect(state.reason).toBe(reason);
  });

  it('should say how far the initial checks got in the description', () => {
    expect(run(initialHealthState(), [pass]).description).toBe(
      'Initial health checks in progress (1 of 2 passed)',
    );
  });

  it('should make a target healthy on its first pass when the healthy threshold is 1', () => {
    expect(nextHealthState(initialHealthState(), pass, { healthy: 1, unhealthy: 1 }).health).toBe(
      'healthy',
    );
  });
});
