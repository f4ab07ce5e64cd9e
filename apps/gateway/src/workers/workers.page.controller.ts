import { Controller, Get, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { REMOVE_WORKER_CONFLICT } from '@app/contracts';
import { QueryTimeoutError, RemoteError } from '@app/messaging';
import type { Request, Response } from 'express';
import { ActivityService } from '../activity/activity.service';
import { GatewayConfig } from '../gateway.config';
import { GATEWAY_CONFIG } from '../gateway.tokens';
import { FleetView, FleetViewService } from '../live/fleet-view.service';
import { WorkerMetrics } from './metric-series';
import { DEFAULT_HISTORY_MINUTES, parseInstanceId } from './workers.requests';
import { WorkersService } from './workers.service';
import { Flash, redirectWithFlash } from '../http/flash-redirect';
import { PolicyService } from '../policy/policy.service';

/** REFUSALS are the fleet's answers to a Destroy it cannot carry out (shown as a flash). */
const REFUSALS = new Set(['not-found', REMOVE_WORKER_CONFLICT]);

/** POOL_CHART_MINUTES is how far back the pool-size chart reaches. */
const POOL_CHART_MINUTES = 60;

async function orUnavailable<T>(p: Promise<T>): Promise<{ value?: T; unavailable?: string }> {
  try {
    return { value: await p };
  } catch (error) {
    if (error instanceof QueryTimeoutError || error instanceof RemoteError) {
      return { unavailable: error.message };
    }
    throw error;
  }
}

/**
 * WorkersPageController is "Worker List" (live table, "New one", "Delete one", "Destroy", the
 * pool chart and the activity) and "Detailed" (one worker's CPU and request charts).
 */
@Controller('workers')
export class WorkersPageController {
  constructor(
    private readonly workers: WorkersService,
    private readonly fleet: FleetViewService,
    private readonly activity: ActivityService,
    private readonly policy: PolicyService,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  @Get()
  async list(@Res() res: Response): Promise<void> {
    const [fleet, pool, activity, policy] = await Promise.all([
      orUnavailable<FleetView>(this.fleet.current()),
      this.activity.poolHistory(POOL_CHART_MINUTES),
      this.activity.list(30),
      // The bounds and the switch are context only: a silent scaler must not take the list down.
      this.policy.get().catch(() => null),
    ]);
    res.render('workers', {
      title: 'Worker List',
      nav: 'workers',
      fleet: fleet.value,
      workers: fleet.value?.workers.filter((w) => w.state !== 'terminated') ?? [],
      unavailable: fleet.unavailable,
      pool: { ...pool, current: fleet.value?.desired ?? null },
      poolMinutes: POOL_CHART_MINUTES,
      activity,
      livePollMs: this.config.LIVE_POLL_MS,
      liveStaleMs: this.config.LIVE_STALE_S * 1000,
      bounds: policy?.policy
        ? { min: policy.policy.minWorkers, max: policy.policy.maxWorkers }
        : null,
      scaler: policy === null ? 'unknown' : policy.enabled ? 'on' : 'off',
    });
  }

  /** "New one": one more worker. */
  @Post('grow')
  async grow(@Req() req: Request, @Res() res: Response): Promise<void> {
    const commandId = await this.workers.grow(1, 'manual: New one');
    const text = `Asked for one more worker (command ${commandId}).`;
    await redirectWithFlash(req, res, { kind: 'ok', text }, '/workers');
  }

  /** "Delete one": one worker fewer (drained first). */
  @Post('shrink')
  async shrink(@Req() req: Request, @Res() res: Response): Promise<void> {
    const commandId = await this.workers.shrink(1, 'manual: Delete one');
    const text = `Asked to remove one worker; it is drained first (command ${commandId}).`;
    await redirectWithFlash(req, res, { kind: 'ok', text }, '/workers');
  }

  /**
   * "Destroy": drain and terminate this worker, or cancel its launch while it is pending. When
   * the fleet refuses (already draining, no longer in the pool) its reason is the flash message.
   */
  @Post(':id/destroy')
  async destroy(@Req() req: Request, @Res() res: Response, @Param('id') id: string): Promise<void> {
    const instanceId = parseInstanceId(id);
    let flash: Flash;
    try {
      const reply = await this.workers.terminate(instanceId, `manual: Destroy ${instanceId}`);
      flash = {
        kind: 'ok',
        text:
          reply.action === 'cancelled'
            ? `Worker ${instanceId} was still starting: its launch is cancelled (command ${reply.commandId}).`
            : `Worker ${instanceId} is being drained, then terminated (command ${reply.commandId}).`,
      };
    } catch (error) {
      if (!(error instanceof RemoteError) || !REFUSALS.has(error.code)) throw error;
      flash = { kind: 'error', text: `Worker ${instanceId}: ${error.message}.` };
    }
    await redirectWithFlash(req, res, flash, '/workers');
  }

  /** "Detailed": CPU (average per minute) and HTTP requests (sum per minute), past 30 minutes. */
  @Get(':id')
  async detail(@Res() res: Response, @Param('id') id: string): Promise<void> {
    const instanceId = parseInstanceId(id);
    const [metrics, fleet, activity] = await Promise.all([
      orUnavailable<WorkerMetrics>(this.workers.metrics(instanceId, DEFAULT_HISTORY_MINUTES)),
      orUnavailable<FleetView>(this.fleet.current()),
      this.activity.list(50, instanceId),
    ]);
    res.render('worker-detail', {
      title: `Worker ${instanceId}`,
      nav: 'workers',
      instanceId,
      worker: fleet.value?.workers.find((w) => w.id === instanceId),
      minutes: DEFAULT_HISTORY_MINUTES,
      metrics: metrics.value ?? {
        instanceId,
        minutes: DEFAULT_HISTORY_MINUTES,
        cpu: [],
        requests: [],
      },
      unavailable: metrics.unavailable,
      activity,
    });
  }
}
