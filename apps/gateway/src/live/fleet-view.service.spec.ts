import { applyInstanceState, FleetView } from './fleet-view.service';

const VIEW: FleetView = {
  desired: 1,
  workers: [
    {
      id: 'i-0000000a',
      state: 'pending',
      health: 'initial',
      address: null,
      launchedAt: '2026-01-01T10:00:00.000Z',
    },
  ],
  loadBalancerUrl: 'http://127.0.0.1:8080',
  at: '2026-01-01T10:00:00.000Z',
};

describe('applyInstanceState', () => {
  it('should update a known worker and keep what the event does not say', () => {
    const next = applyInstanceState(VIEW, {
      instanceId: 'i-0000000a',
      state: 'running',
      health: 'healthy',
      cause: 'health check passed',
      at: '2026-01-01T10:00:05.000Z',
    });
    expect(next.workers).toEqual([
      {
        id: 'i-0000000a',
        state: 'running',
        health: 'healthy',
        address: null,
        launchedAt: '2026-01-01T10:00:00.000Z',
      },
    ]);
    expect(VIEW.workers[0].state).toBe('pending');
  });

  it('should add a worker it did not know', () => {
    const next = applyInstanceState(VIEW, {
      instanceId: 'i-0000000b',
      state: 'pending',
      health: 'initial',
      address: '127.0.0.1:5002',
      launchedAt: '2026-01-01T10:01:00.000Z',
      cause: 'manual: New one',
      at: '2026-01-01T10:01:00.000Z',
    });
    expect(next.workers.map((w) => [w.id, w.address])).toEqual([
      ['i-0000000a', null],
      ['i-0000000b', '127.0.0.1:5002'],
    ]);
  });
});
