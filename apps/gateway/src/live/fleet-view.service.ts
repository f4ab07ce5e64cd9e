import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { FleetSnapshot, InstanceStateChanged, PoolChanged, WorkerView } from '@app/contracts';
import { Subject } from 'rxjs';
import { WorkersService } from '../workers/workers.service';

/** FleetView is the pool as the live worker list shows it. */
export interface FleetView {
  desired: number | null;
  workers: WorkerView[];
  loadBalancerUrl: string | null;
  at: string;
}

/** applyInstanceState updates one worker of a view from a FLEET_INSTANCE_STATE event (pure). */
export function applyInstanceState(view: FleetView, e: InstanceStateChanged): FleetView {
  const existing = view.workers.find((w) => w.id === e.instanceId);
  const updated: WorkerView = {
    id: e.instanceId,
    state: e.state,
    health: e.health,
    address: e.address !== undefined ? e.address : (existing?.address ?? null),
    launchedAt: e.launchedAt ?? existing?.launchedAt ?? e.at,
  };
  const workers = existing
    ? view.workers.map((w) => (w.id === e.instanceId ? updated : w))
    : [...view.workers, updated];
  return { ...view, workers, at: e.at };
}

/**
 * FleetViewService keeps the latest picture of the pool for the live worker list: a fresh
 * FLEET_LIST when a page opens, then FLEET_SNAPSHOT, FLEET_INSTANCE_STATE and FLEET_POOL_CHANGED
 * events as they arrive, each change pushed on `changes$`.
 */
@Injectable()
export class FleetViewService implements OnApplicationShutdown {
  private view?: FleetView;
  /** changes$ emits the whole view after every change. */
  readonly changes$ = new Subject<FleetView>();

  constructor(private readonly workers: WorkersService) {}

  /** current asks the fleet; when it does not answer, the last known view (or the error). */
  async current(): Promise<FleetView> {
    try {
      const list = await this.workers.list();
      this.view = {
        desired: list.desired,
        workers: list.workers,
        loadBalancerUrl: list.loadBalancerUrl,
        at: new Date().toISOString(),
      };
      return this.view;
    } catch (error) {
      if (this.view) return this.view;
      throw error;
    }
  }

  onSnapshot(s: FleetSnapshot): void {
    this.publish({
      desired: s.desired,
      workers: s.workers,
      loadBalancerUrl: this.view?.loadBalancerUrl ?? null,
      at: s.at,
    });
  }

  onInstanceState(e: InstanceStateChanged): void {
    this.publish(applyInstanceState(this.base(), e));
  }

  onPoolChanged(e: PoolChanged): void {
    this.publish({ ...this.base(), desired: e.desired, at: e.at });
  }

  onApplicationShutdown(): void {
    this.changes$.complete();
  }

  private base(): FleetView {
    return (
      this.view ?? {
        desired: null,
        workers: [],
        loadBalancerUrl: null,
        at: new Date().toISOString(),
      }
    );
  }

  private publish(view: FleetView): void {
    this.view = view;
    this.changes$.next(view);
  }
}
