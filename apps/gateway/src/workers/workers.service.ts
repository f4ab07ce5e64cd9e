import { Injectable } from '@nestjs/common';
import { randomUUID } from 'crypto';
import {
  FLEET_GROW,
  FLEET_LIST,
  FLEET_REMOVE_WORKER,
  FLEET_SHRINK,
  FleetListReply,
  METRICS_HISTORY,
  RemoveWorkerReply,
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

  /**
   * terminate asks the fleet to remove one worker (drain a running one, cancel the launch of a
   * pending one) and answers its verdict; a refusal arrives as a RemoteError coded 'not-found'
   * (404) or 'conflict' (409, e.g. already draining) with the fleet's reason.
   */
  terminate(instanceId: string, reason: string): Promise<RemoveWorkerReply> {
    return this.bus.query(FLEET_REMOVE_WORKER, { commandId: randomUUID(), instanceId, reason });
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
