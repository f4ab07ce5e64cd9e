import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  FLEET_LIST,
  FLEET_TERMINATE_ALL,
  SCALER_DISABLE,
  SYSTEM_SHUTDOWN,
  WorkerView,
} from '@app/contracts';
import { MessageBus } from '@app/messaging';
import { GatewayConfig } from '../gateway.config';
import { GATEWAY_CONFIG } from '../gateway.tokens';
import { ServiceUnavailableError, TimedOutError } from '../http/gateway.errors';

/** ShutdownProgress is one step of "Stopping", shown as it happens. */
export interface ShutdownProgress {
  at: string;
  text: string;
  workers?: Pick<WorkerView, 'id' | 'state' | 'health'>[];
}

/** ShutdownReport says what "Stopping" did. */
export interface ShutdownReport {
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  /** The workers that were in the pool and are now terminated. */
  workersTerminated: string[];
  scalerDisabled: boolean;
  shutdownRequested: boolean;
  steps: ShutdownProgress[];
}

const CAUSE = 'manual: Stopping';

/** describeWorkers phrases the workers still in the pool, e.g. "i-0abc draining (draining)". */
export function describeWorkers(workers: Pick<WorkerView, 'id' | 'state' | 'health'>[]): string {
  if (workers.length === 0) return 'no worker left';
  const list = workers.map((w) => `${w.id} ${w.state} (${w.health})`).join(', ');
  return `${workers.length} worker${workers.length === 1 ? '' : 's'} left: ${list}`;
}

/**
 * ShutdownService carries out "Stopping" as the original did, but checked: terminate every
 * worker (FLEET_TERMINATE_ALL), disable the auto-scaler (SCALER_DISABLE), watch FLEET_LIST until
 * no worker is left, then ask every manager service to stop (SYSTEM_SHUTDOWN). Two requests at
 * once share one run.
 */
@Injectable()
export class ShutdownService {
  private readonly logger = new Logger('Shutdown');
  private running?: Promise<ShutdownReport>;
  private readonly listeners = new Set<(p: ShutdownProgress) => void>();

  constructor(
    private readonly bus: MessageBus,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /** run stops everything; `onProgress` hears each step. */
  run(onProgress?: (p: ShutdownProgress) => void): Promise<ShutdownReport> {
    if (onProgress) this.listeners.add(onProgress);
    if (!this.running) {
      this.running = this.execute().finally(() => {
        this.running = undefined;
      });
    }
    const run = this.running;
    return run.finally(() => {
      if (onProgress) this.listeners.delete(onProgress);
    });
  }

  private async execute(): Promise<ShutdownReport> {
    const started = Date.now();
    const steps: ShutdownProgress[] = [];
    const step = (text: string, workers?: ShutdownProgress['workers']) => {
      const p: ShutdownProgress = { at: new Date().toISOString(), text, workers };
      steps.push(p);
      this.logger.log(text);
      for (const l of this.listeners) l(p);
    };
    try {
      await this.bus.ping('fleet', this.config.HEALTH_PING_TIMEOUT_MS);
    } catch (error) {
      throw new ServiceUnavailableError(
        `The fleet does not answer (${(error as Error).message}); nothing was stopped.`,
      );
    }
    const before = await this.bus.query(FLEET_LIST, {});
    const ids = before.workers.filter((w) => w.state !== 'terminated').map((w) => w.id);
    step(
      `The pool has ${describeWorkers(before.workers.filter((w) => w.state !== 'terminated'))}.`,
    );

    await this.bus.command(FLEET_TERMINATE_ALL, { reason: CAUSE });
    step('Asked the fleet to drain and terminate every worker.');
    await this.bus.command(SCALER_DISABLE, { reason: CAUSE });
    step('Disabled the auto-scaler.');

    const deadline = started + this.config.SHUTDOWN_TIMEOUT_S * 1000;
    let last = '';
    for (;;) {
      let remaining: WorkerView[] | undefined;
      try {
        const list = await this.bus.query(FLEET_LIST, {});
        remaining = list.workers.filter((w) => w.state !== 'terminated');
      } catch (error) {
        step(`The fleet did not answer (${(error as Error).message}); asking again.`);
      }
      if (remaining) {
        const text = describeWorkers(remaining);
        if (text !== last) {
          step(
            text,
            remaining.map(({ id, state, health }) => ({ id, state, health })),
          );
          last = text;
        }
        if (remaining.length === 0) break;
      }
      if (Date.now() >= deadline) {
        throw new TimedOutError(
          `Workers were still running after ${this.config.SHUTDOWN_TIMEOUT_S} s; ` +
            'the manager keeps running so you can look and try again.',
          { steps },
        );
      }
      await new Promise((r) => setTimeout(r, this.config.SHUTDOWN_POLL_MS));
    }

    await this.bus.emit(SYSTEM_SHUTDOWN, { cause: CAUSE, at: new Date().toISOString() });
    step('Asked every manager service to stop.');
    const finished = Date.now();
    return {
      startedAt: new Date(started).toISOString(),
      finishedAt: new Date(finished).toISOString(),
      durationMs: finished - started,
      workersTerminated: ids,
      scalerDisabled: true,
      shutdownRequested: true,
      steps,
    };
  }
}
