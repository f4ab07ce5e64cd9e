import { ORIGINAL_POLICY, ScalingDecision } from '@app/contracts';
import {
  describeCleared,
  describeDecision,
  describeInstanceState,
  describePolicyChanged,
  describePoolChanged,
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

describe('activity lines', () => {
  it('should phrase a state change with its health change and keep the cause', () => {
    const line = describeInstanceState({
      instanceId: 'i-0123abcd',
      state: 'running',
      health: 'healthy',
      previousState: 'pending',
      previousHealth: 'initial',
      cause: 'health check passed',
      at: AT,
    });
    expect(line).toMatchObject({
      kind: 'instance-state',
      message: 'Worker i-0123abcd: pending → running, health initial → healthy',
      cause: 'health check passed',
      instanceId: 'i-0123abcd',
    });
    expect(line.at.toISOString()).toBe(AT);
  });

  it('should phrase a health-only change and a first appearance', () => {
    expect(
      describeInstanceState({
        instanceId: 'i-0123abcd',
        state: 'running',
        health: 'unhealthy',
        previousState: 'running',
        previousHealth: 'healthy',
        cause: 'health check failed 3 times',
        at: AT,
      }).message,
    ).toBe('Worker i-0123abcd: health healthy → unhealthy');
    expect(
      describeInstanceState({
        instanceId: 'i-0123abcd',
        state: 'pending',
        health: 'initial',
        cause: 'manual: New one',
        at: AT,
      }).message,
    ).toBe('Worker i-0123abcd: pending, health initial');
  });

  it('should phrase pool changes and decisions', () => {
    expect(
      describePoolChanged({ desired: 4, previous: 2, cause: 'scaler: grow', at: AT }).message,
    ).toBe('Pool size 2 → 4');
    const decision = describeDecision({
      at: AT,
      averageCpu: 27.04,
      workersCounted: 1,
      sizeBefore: 1,
      sizeAfter: 2,
      reason: 'grow',
      message: 'average CPU 27.0 % above 20 %',
    });
    expect(decision.message).toBe(
      'Auto-scaler: 1 → 2 workers (grow), average CPU 27.0 % over 1 workers',
    );
    expect(decision.cause).toBe('average CPU 27.0 % above 20 %');
    expect(
      describeDecision({
        at: AT,
        averageCpu: null,
        workersCounted: 0,
        sizeBefore: 1,
        sizeAfter: 1,
        reason: 'hold-no-data',
        message: 'no sample yet',
      }).message,
    ).toBe('Auto-scaler holds at 1 workers (hold-no-data), no CPU data over 0 workers');
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
