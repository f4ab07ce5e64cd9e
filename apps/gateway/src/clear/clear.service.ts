import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { ClearProgress, ClearResult, JANITOR_CLEAR } from '@app/contracts';
import { MessageBus } from '@app/messaging';
import { randomUUID } from 'crypto';
import { Observable, ReplaySubject } from 'rxjs';
import { GatewayConfig } from '../gateway.config';
import { GATEWAY_CONFIG } from '../gateway.tokens';
import { ServiceUnavailableError, TimedOutError } from '../http/gateway.errors';

/** ClearUpdate is one message of a clear run's progress stream. */
export type ClearUpdate =
  { type: 'progress'; progress: ClearProgress } | { type: 'cleared'; result: ClearResult };

interface Run {
  updates: ReplaySubject<ClearUpdate>;
  result?: ClearResult;
  startedAt: number;
}

/** How many finished runs the gateway remembers (for the result pages and late waiters). */
const REMEMBERED_RUNS = 50;

/**
 * ClearService runs "Delete": it sends JANITOR_CLEAR with a fresh commandId, then follows the
 * janitor's JANITOR_PROGRESS and JANITOR_CLEARED events for that commandId (the events
 * controller feeds them in) until the counts arrive or CLEAR_TIMEOUT_S passes.
 */
@Injectable()
export class ClearService implements OnApplicationShutdown {
  private readonly runs = new Map<string, Run>();

  constructor(
    private readonly bus: MessageBus,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /**
   * start checks the janitor answers (503 otherwise: a clear must not wait two minutes for a
   * service that is not there), sends the command and returns its commandId.
   */
  async start(reason: string): Promise<string> {
    try {
      await this.bus.ping('janitor', this.config.HEALTH_PING_TIMEOUT_MS);
    } catch (error) {
      throw new ServiceUnavailableError(
        `The janitor does not answer (${(error as Error).message}); nothing was deleted.`,
      );
    }
    const commandId = randomUUID();
    this.run(commandId);
    await this.bus.command(JANITOR_CLEAR, { commandId, reason });
    return commandId;
  }

  /** wait resolves with the result of a run, or fails with 504 after CLEAR_TIMEOUT_S. */
  wait(commandId: string): Promise<ClearResult> {
    const run = this.run(commandId);
    if (run.result) return Promise.resolve(run.result);
    const timeoutMs = this.config.CLEAR_TIMEOUT_S * 1000;
    return new Promise<ClearResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        sub.unsubscribe();
        reject(
          new TimedOutError(
            `The janitor did not finish clearing within ${this.config.CLEAR_TIMEOUT_S} s; ` +
              `it may still be running (command ${commandId}).`,
            { commandId },
          ),
        );
      }, timeoutMs);
      const sub = run.updates.subscribe((u) => {
        if (u.type !== 'cleared') return;
        clearTimeout(timer);
        queueMicrotask(() => sub.unsubscribe());
        resolve(u.result);
      });
    });
  }

  /** result answers a finished run's counts, undefined while it runs or when unknown. */
  result(commandId: string): ClearResult | undefined {
    return this.runs.get(commandId)?.result;
  }

  /** known tells whether this gateway started or saw the run. */
  known(commandId: string): boolean {
    return this.runs.has(commandId);
  }

  /** updates$ replays a run's progress and its end, for the live progress page. */
  updates$(commandId: string): Observable<ClearUpdate> {
    return this.run(commandId).updates.asObservable();
  }

  /** onProgress records a JANITOR_PROGRESS event. */
  onProgress(progress: ClearProgress): void {
    const run = this.runs.get(progress.commandId);
    if (run && !run.result) run.updates.next({ type: 'progress', progress });
  }

  /** onCleared records a JANITOR_CLEARED event (also for runs another caller started). */
  onCleared(result: ClearResult): void {
    const run = this.run(result.commandId);
    if (run.result) return;
    run.result = result;
    run.updates.next({ type: 'cleared', result });
    run.updates.complete();
  }

  onApplicationShutdown(): void {
    for (const run of this.runs.values()) run.updates.complete();
  }

  private run(commandId: string): Run {
    let run = this.runs.get(commandId);
    if (!run) {
      // Replays the last progress and the end to late subscribers (page opened after the fact).
      run = { updates: new ReplaySubject<ClearUpdate>(2), startedAt: Date.now() };
      this.runs.set(commandId, run);
      this.forgetOld();
    }
    return run;
  }

  private forgetOld(): void {
    if (this.runs.size <= REMEMBERED_RUNS) return;
    const finished = [...this.runs.entries()]
      .filter(([, r]) => r.result)
      .sort((a, b) => a[1].startedAt - b[1].startedAt);
    for (const [id] of finished.slice(0, this.runs.size - REMEMBERED_RUNS)) this.runs.delete(id);
  }
}
