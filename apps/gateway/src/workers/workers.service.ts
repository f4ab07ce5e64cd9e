import { Injectable } from '@nestjs/common';
import {
  FLEET_GROW,
  FLEET_LIST,
  FLEET_SHRINK,
  FLEET_TERMINATE,
  FleetListReply,
  METRICS_HISTORY,
} from '@app/contracts';
import { MessageBus } from '@app/messaging';
import { NotFoundError } from '../http/gateway.errors';
import { toWorkerMetrics, WorkerMetrics } from './metric-series';

/**
 * WorkersService is the gateway's side of the worker pool: it asks the fleet for the list and
 * sends it the manual commands ("New one", "Delete one", "Destroy"), and asks the metrics
 * service for one worker's history.
 */
@Injectable()
export class WorkersService {
  constructor(private readonly bus: MessageBus) {}

  /** list answers the fleet's current list (503 when the fleet does not answer). */
  list(): Promise<FleetListReply> {
    return this.bus.query(FLEET_LIST, {});
  }

  /** grow asks the fleet for `count` more workers; returns the commandId. */
  grow(count: number, reason: string): Promise<string> {
    return this.bus.command(FLEET_GROW, { count, reason });
  }

  /** shrink asks the fleet to drain and remove `count` workers; returns the commandId. */
  shrink(count: number, reason: string): Promise<string> {
    return this.bus.command(FLEET_SHRINK, { count, reason });
  }

  /** terminate drains and terminates one worker, after checking it is in the list (404 if not). */
  async terminate(instanceId: string, reason: string): Promise<string> {
    const { workers } = await this.list();
    if (!workers.some((w) => w.id === instanceId && w.state !== 'terminated')) {
      throw new NotFoundError(`No worker ${instanceId} in the pool.`);
    }
    return this.bus.command(FLEET_TERMINATE, { instanceId, reason });
  }

  /**
   * listedWorkerMetrics is `metrics` for a worker the fleet lists (any state), else a 404: the
   * metrics service answers an empty series for any id, which told an API caller nothing.
   */
  async listedWorkerMetrics(instanceId: string, minutes: number): Promise<WorkerMetrics> {
    const { workers } = await this.list();
    if (!workers.some((w) => w.id === instanceId)) {
      throw new NotFoundError(`No worker ${instanceId} in the pool.`);
    }
    return this.metrics(instanceId, minutes);
  }

  /** metrics answers one worker's CPU and request series over the past `minutes`. */
  async metrics(instanceId: string, minutes: number): Promise<WorkerMetrics> {
    const reply = await this.bus.query(METRICS_HISTORY, { instanceId, minutes });
    return toWorkerMetrics(reply, minutes);
  }
}
