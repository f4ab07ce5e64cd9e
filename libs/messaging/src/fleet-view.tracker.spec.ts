import { FleetListReply, FleetSnapshot, WorkerView } from '@app/contracts';
import { FleetViewTracker } from './fleet-view.tracker';
import { MessageBus } from './message-bus';

const worker = (id: string): WorkerView => ({
  id,
  state: 'running',
  health: 'healthy',
  address: null,
  launchedAt: '2026-01-01T10:00:00.000Z',
});
const snapshot = (desired: number, at: string): FleetSnapshot => ({
  desired,
  workers: [worker(`i-${desired}`)],
  at,
});

/** FakeBus answers FLEET_LIST when the test says so, and counts the queries. */
class FakeBus {
  queries = 0;
  private answers: { resolve: (r: FleetListReply) => void; reject: (e: Error) => void }[] = [];

  query(): Promise<FleetListReply> {
    this.queries++;
    return new Promise((resolve, reject) => this.answers.push({ resolve, reject }));
  }

  answer(desired: number): void {
    this.answers.shift()?.resolve({ desired, workers: [], loadBalancerUrl: 'http://lb' });
  }

  fail(): void {
    this.answers.shift()?.reject(new Error('no answer'));
  }
}

describe('FleetViewTracker', () => {
  let bus: FakeBus;
  let tracker: FleetViewTracker;

  beforeEach(() => {
    bus = new FakeBus();
    tracker = new FleetViewTracker(bus as unknown as MessageBus, 60, 'FleetViewTrackerSpec');
  });

  it('should have no view before the fleet has spoken', () => {
    expect(tracker.view()).toBeNull();
  });

  it('should keep the newest snapshot and ignore an older, reordered one', () => {
    tracker.onSnapshot(snapshot(3, '2026-01-01T10:00:02.000Z'));
    tracker.onSnapshot(snapshot(2, '2026-01-01T10:00:01.000Z'));
    expect(tracker.view()).toEqual({ desired: 3, workers: [worker('i-3')] });
  });

  it('should take the FLEET_LIST answer, asking once even when refreshed twice', async () => {
    const first = tracker.refresh();
    const second = tracker.refresh();
    expect(bus.queries).toBe(1);
    bus.answer(4);
    await Promise.all([first, second]);
    expect(tracker.view()).toEqual({ desired: 4, workers: [] });
  });

  it('should keep a snapshot that arrived while the query was out', async () => {
    const refreshing = tracker.refresh();
    tracker.onSnapshot(snapshot(5, '2026-01-01T10:00:00.000Z'));
    bus.answer(1);
    await refreshing;
    expect(tracker.view()?.desired).toBe(5);
  });

  it('should ask again only when the fleet has been quiet for the interval', async () => {
    tracker.refreshIfQuiet();
    expect(bus.queries).toBe(1);
    bus.fail();
    await tracker.refresh();
    // The failed query counts as hearing (nothing) from the fleet: no new query right away.
    const before = bus.queries;
    tracker.refreshIfQuiet();
    expect(bus.queries).toBe(before);
  });
});
