import { Injectable, Logger } from '@nestjs/common';
import { FleetListReply } from '@app/contracts';
import { LoadBalancerPort } from '@app/cloud';
import { Reconciler } from '../reconcile/reconciler.service';
import { workerView } from './worker-view';
import { FleetStore } from '../store/fleet.store';

/**
 * FleetListService answers "what is the pool now": the desired size, every worker that is not
 * terminated (launches the provider already shows are `pending`) and where users reach the app.
 */
@Injectable()
export class FleetListService {
  private readonly logger = new Logger('FleetList');

  constructor(
    private readonly store: FleetStore,
    private readonly loadBalancer: LoadBalancerPort,
    private readonly reconciler: Reconciler,
  ) {}

  async list(): Promise<FleetListReply> {
    const [stored, live] = await Promise.all([this.store.getDesired(), this.store.listLive()]);
    const workers = [
      ...live.filter((r) => r.instanceId).map(workerView),
      ...this.reconciler.launchingViews(),
    ].sort((a, b) => a.launchedAt.localeCompare(b.launchedAt) || a.id.localeCompare(b.id));
    return { desired: stored?.desired ?? 0, workers, loadBalancerUrl: await this.publicUrl() };
  }

  private async publicUrl(): Promise<string> {
    try {
      return await this.loadBalancer.publicUrl();
    } catch (error) {
      // The list is still worth answering without the URL (the UI shows the workers).
      this.logger.warn(`cannot get the load balancer's URL: ${(error as Error).message}`);
      return '';
    }
  }
}
