import { Logger } from '@nestjs/common';
import { FLEET_LIST, FleetSnapshot, WorkerView } from '@app/contracts';
import { MessageBus } from './message-bus';

/** FleetView is what the fleet last said about the pool: its desired size and its workers. */
export interface FleetView {
  desired: number;
  workers: WorkerView[];
}

/**
 * FleetViewTracker keeps a service's view of the fleet: the latest FLEET_SNAPSHOT (the fleet emits
 * one after every reconcile pass), or, at start and whenever no snapshot came for
 * `refreshIntervalS`, the answer to a FLEET_LIST query. Older, reordered snapshots are ignored and
 * a FLEET_LIST answer never overwrites a snapshot that arrived while the query was out.
 */
export class FleetViewTracker {
  private readonly logger: Logger;
  private current: FleetView | null = null;
  private snapshotAt = -Infinity;
  private heardAt = -Infinity;
  /** Counts snapshots, so a FLEET_LIST answer never overwrites a newer snapshot. */
  private snapshots = 0;
  private refreshing?: Promise<void>;

  constructor(
    private readonly bus: MessageBus,
    private readonly refreshIntervalS: number,
    loggerName: string,
  ) {
    this.logger = new Logger(loggerName);
  }

  /** onSnapshot takes the fleet's newest view (a snapshot older than the known one is ignored). */
  onSnapshot(snapshot: FleetSnapshot): void {
    const at = Date.parse(snapshot.at);
    if (at < this.snapshotAt) return;
    this.snapshotAt = at;
    this.heardAt = Date.now();
    this.snapshots++;
    this.current = { desired: snapshot.desired, workers: snapshot.workers };
  }

  /** refreshIfQuiet asks the fleet for its list when no snapshot came for `refreshIntervalS`. */
  refreshIfQuiet(): void {
    if (Date.now() - this.heardAt >= this.refreshIntervalS * 1000) void this.refresh();
  }

  /** refresh asks FLEET_LIST once (never two at a time); a silent fleet is logged, not fatal. */
  refresh(): Promise<void> {
    const before = this.snapshots;
    this.refreshing ??= this.bus
      .query(FLEET_LIST, {})
      .then((reply) => {
        this.heardAt = Date.now();
        // A snapshot that arrived while the query was out is at least as new: keep it.
        if (this.snapshots === before)
          this.current = { desired: reply.desired, workers: reply.workers };
      })
      .catch((error: Error) => {
        this.heardAt = Date.now();
        this.logger.warn(`cannot ask the fleet for its workers: ${error.message}`);
      })
      .finally(() => {
        this.refreshing = undefined;
      });
    return this.refreshing;
  }

  /** view is the fleet's last word (desired size and workers), or null before it has spoken. */
  view(): FleetView | null {
    return this.current;
  }
}
