import { newLaunchRecord } from '../store/fleet.store';
import { instanceStateEvent } from './instance-state.event';

const REQUESTED = new Date('2024-05-01T10:00:00Z');
const LAUNCHED = new Date('2024-05-01T10:00:05Z');
const AT = new Date('2024-05-01T10:01:00Z');
const running = {
  ...newLaunchRecord('t:0', 'launched to reach the desired size 1', REQUESTED),
  instanceId: 'i-0000000000000aaa1',
  state: 'draining' as const,
  health: 'healthy' as const,
  address: '127.0.0.1:5001',
  launchedAt: LAUNCHED,
};

describe('instanceStateEvent', () => {
  it.each([
    {
      name: 'a change announces what the worker was before',
      record: running,
      previous: { state: 'running' as const, health: 'healthy' as const },
      expected: { previousState: 'running', previousHealth: 'healthy' },
    },
    {
      // An adopted worker has no "before": the event must not invent one.
      name: 'a worker first seen has no previous state',
      record: running,
      previous: undefined,
      expected: {},
    },
  ])('should build the event: $name', ({ record, previous, expected }) => {
    expect(instanceStateEvent(record, previous, 'drained: shrink by 1', AT)).toEqual({
      instanceId: 'i-0000000000000aaa1',
      state: 'draining',
      health: 'healthy',
      address: '127.0.0.1:5001',
      launchedAt: LAUNCHED.toISOString(),
      cause: 'drained: shrink by 1',
      at: AT.toISOString(),
      ...expected,
    });
  });

  it('should date a worker never launched from its request', () => {
    const event = instanceStateEvent({ ...running, launchedAt: null }, undefined, 'x', AT);
    expect(event.launchedAt).toBe(REQUESTED.toISOString());
  });

  it('should cut the cause at the 500 characters the contract allows', () => {
    const event = instanceStateEvent(running, undefined, 'e'.repeat(600), AT);
    // A provider error can be long; an event longer than the contract would be rejected.
    expect(event.cause).toBe('e'.repeat(500));
  });
});
