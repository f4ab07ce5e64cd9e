import { InstanceStateChanged, ORIGINAL_POLICY, ScalingDecision } from '@app/contracts';
import {
  describeCleared,
  describeDecision,
  describeInstanceState,
  describePolicyChanged,
  describePoolChanged,
  mainCause,
  shouldRecordDecision,
} from './activity-entry';

const AT = '2026-01-01T10:00:00.000Z';

describe('shouldRecordDecision', () => {
  it.each([
    // A change of size is what the operator must always see.
    ['a grow', 'grow', 2, 4, 'hold-within-thresholds', true],
    ['a shrink right after another shrink', 'shrink', 4, 2, 'shrink', true],
    ['a clamp that changed the size', 'clamp-to-max', 12, 10, undefined, true],
    // Routine holds happen every minute; listing them would bury everything else.
    ['a hold within thresholds', 'hold-within-thresholds', 2, 2, 'grow', false],
    ['a hold in cooldown', 'hold-cooldown', 4, 4, 'grow', false],
    // Unusual holds: once when they start, not every minute they last.
    ['the first hold at max', 'hold-at-max', 10, 10, 'grow', true],
    ['the same hold at max again', 'hold-at-max', 10, 10, 'hold-at-max', false],
    ['no data after a routine hold', 'hold-no-data', 1, 1, 'hold-within-thresholds', true],
    ['no data again', 'hold-no-data', 1, 1, 'hold-no-data', false],
    ['disabled, the first one seen', 'disabled', 1, 1, undefined, true],
  ])('should decide for %s', (_what, reason, before, after, previous, expected) => {
    expect(
      shouldRecordDecision(
        { reason: reason as ScalingDecision['reason'], sizeBefore: before, sizeAfter: after },
        previous,
      ),
    ).toBe(expected);
  });
});

const UUID = '3f2b8c1e-5d4a-4e7b-9c2d-1a2b3c4d5e6f';

describe('mainCause', () => {
  it.each([
    [
      'the scaler behind a fleet resize',
      'shrink to 1 by scaler (scaler: average CPU 3.1% over 2 workers is below the shrink threshold 10%: 2 → 1 (÷2))',
      'CPU 3.1 % below the shrink threshold 10 %',
    ],
    [
      'a grow above the threshold',
      'scaler: average CPU 27.0% over 1 worker is above the grow threshold 20%: 1 → 2 (×2)',
      'CPU 27.0 % above the grow threshold 20 %',
    ],
    ['a manual button', 'grow by 1 (manual: New one)', 'manual: New one'],
    ['a start', 'start: INITIAL_WORKERS=1', 'start: INITIAL_WORKERS=1'],
    [
      'a hold, without its arithmetic',
      'no worker is in service: keeping 1',
      'no worker is in service',
    ],
    ['a command UUID', `Delete (command ${UUID})`, 'Delete'],
    ['a run UUID', `cleared (run ${UUID})`, 'cleared'],
  ])('should shorten %s', (_what, cause, expected) => {
    expect(mainCause(cause)).toBe(expected);
  });
});

describe('activity lines', () => {
  const state = (over: Partial<InstanceStateChanged>): InstanceStateChanged => ({
    instanceId: 'i-0123abcd',
    state: 'running',
    health: 'healthy',
    cause: 'health check passed',
    at: AT,
    ...over,
  });

  it.each([
    [
      'a launch that passed its checks',
      state({ previousState: 'pending', previousHealth: 'initial' }),
      'Worker i-0123abcd pending → running, healthy: health check passed',
    ],
    [
      'a health-only change',
      state({
        health: 'unhealthy',
        previousState: 'running',
        previousHealth: 'healthy',
        cause: 'health check failed 3 times',
      }),
      'Worker i-0123abcd became unhealthy: health check failed 3 times',
    ],
    [
      'a first appearance',
      state({ state: 'pending', health: 'initial', cause: 'grow by 1 (manual: New one)' }),
      'Worker i-0123abcd pending: manual: New one',
    ],
    [
      'a drain caused by the scaler',
      state({
        state: 'draining',
        health: 'draining',
        previousState: 'running',
        previousHealth: 'healthy',
        cause:
          'shrink to 1 by scaler (scaler: average CPU 3.1% over 2 workers is below the shrink threshold 10%: 2 → 1 (÷2))',
      }),
      'Worker i-0123abcd running → draining: CPU 3.1 % below the shrink threshold 10 %',
    ],
  ])('should phrase %s', (_what, event, expected) => {
    const line = describeInstanceState(event);
    expect(line.message).toBe(expected);
    expect(line.message).not.toMatch(/health (healthy|initial)/);
    expect(line.cause).toBe(event.cause);
    expect(line.instanceId).toBe('i-0123abcd');
    expect(line.at.toISOString()).toBe(AT);
  });

  it.each([
    [
      'a shrink by the scaler',
      'shrink to 1 by scaler (scaler: average CPU 3.1% over 2 workers is below the shrink threshold 10%: 2 → 1 (÷2))',
      'Pool 2 → 1: CPU 3.1 % below the shrink threshold 10 %',
    ],
    ['a manual grow', 'grow by 1 (manual: New one)', 'Pool 2 → 1: manual: New one'],
    [
      'a command with its UUID',
      `shrink by 1 (manual: Delete one ${UUID})`,
      'Pool 2 → 1: manual: Delete one',
    ],
  ])('should phrase a pool change from %s', (_what, cause, expected) => {
    const line = describePoolChanged({ desired: 1, previous: 2, cause, at: AT });
    expect(line.message).toBe(expected);
    expect(line.message).not.toContain(UUID);
    expect(line.cause).toBe(cause);
  });

  it.each([
    [
      'a grow',
      { sizeBefore: 1, sizeAfter: 2, averageCpu: 27.04, workersCounted: 1, reason: 'grow' },
      'average CPU 27.0% over 1 worker is above the grow threshold 20%: 1 → 2 (×2)',
      'Auto-scaler 1 → 2 (grow): CPU 27.0 % above the grow threshold 20 %',
    ],
    [
      'a hold without data',
      { sizeBefore: 1, sizeAfter: 1, averageCpu: null, workersCounted: 0, reason: 'hold-no-data' },
      'no worker is in service: keeping 1',
      'Auto-scaler holds at 1 worker (hold-no-data): no worker is in service',
    ],
    [
      'a hold at max',
      { sizeBefore: 10, sizeAfter: 10, averageCpu: 80, workersCounted: 10, reason: 'hold-at-max' },
      'average CPU 80.0% over 10 workers is above the grow threshold 20%, but the pool is at its maximum of 10',
      'Auto-scaler holds at 10 workers (hold-at-max): CPU 80.0 % above the grow threshold 20 %',
    ],
  ])('should phrase a decision: %s', (_what, figures, message, expected) => {
    const line = describeDecision({
      at: AT,
      ...figures,
      reason: figures.reason as ScalingDecision['reason'],
      message,
    });
    expect(line.message).toBe(expected);
    expect(line.message).not.toMatch(/\b1 workers\b/);
    expect(line.cause).toBe(message);
  });

  it('should phrase policy changes and clears', () => {
    const policy = ORIGINAL_POLICY;
    expect(describePolicyChanged({ policy, enabled: true, cause: 'manual', at: AT }).message).toBe(
      'Auto-scale policy saved: grow ×2 above 20 % CPU, shrink ÷2 below 10 %, 1–10 workers',
    );
    expect(
      describePolicyChanged({ policy, enabled: false, cause: 'manual: Stopping', at: AT }).message,
    ).toBe('Auto-scaler disabled (policy kept)');
    expect(
      describeCleared({
        commandId: 'c1',
        objects: 2500,
        images: 12,
        users: 3,
        durationMs: 1234,
        at: AT,
      }).message,
    ).toBe('Data cleared: 2500 objects, 12 images and 3 users removed in 1.2 s');
    expect(
      describeCleared({
        commandId: 'c1',
        objects: 0,
        images: 0,
        users: 0,
        durationMs: 5,
        error: 'S3 down',
        at: AT,
      }).message,
    ).toBe('Clearing failed after removing 0 objects: S3 down');
  });
});
