import { Logger } from '@nestjs/common';
import { NonOverlappingLoop } from '@app/messaging';
import { errorMessage } from './reconcile.rules';

/**
 * ReconcileLoop decides when passes run: every interval (on the project's NonOverlappingLoop),
 * and as soon as possible when asked (after a command, a finished launch, a started drain),
 * merging the requests made during a pass into one pass right after it. It never runs two passes
 * at once: the periodic pass joins (or follows) a pass already asked for.
 */
export class ReconcileLoop {
  private readonly logger = new Logger('Reconciler');
  private readonly loop: NonOverlappingLoop;
  private passing = false;
  private passAgain = false;
  private running = false;
  private stopped = false;
  private current: Promise<void> = Promise.resolve();

  constructor(
    intervalMs: number,
    private readonly runPass: () => Promise<void>,
  ) {
    this.loop = new NonOverlappingLoop(
      intervalMs / 1000,
      () => {
        this.request();
        return this.current;
      },
      (error) => this.logger.error(`reconcile pass failed: ${errorMessage(error)}`),
    );
  }

  /** start runs a pass now and then every interval (nothing once stopped). */
  start(): void {
    if (this.stopped) return;
    if (!this.running) this.loop.start();
    this.running = true;
    this.request();
  }

  /** request asks for a pass: now when idle, right after the current pass otherwise. */
  request(): void {
    if (!this.running) return;
    if (this.passing) {
      this.passAgain = true;
      return;
    }
    this.passing = true;
    this.current = this.passUntilQuiet();
  }

  /** again asks for one more pass right after the current one (a pass's own finding). */
  again(): void {
    this.passAgain = true;
  }

  /** stop ends the loop and resolves when the pass in progress (if any) has ended. */
  async stop(): Promise<void> {
    this.running = false;
    this.stopped = true;
    await this.loop.stop();
    await this.current;
  }

  private async passUntilQuiet(): Promise<void> {
    for (;;) {
      await this.runPass().catch((error) =>
        this.logger.error(`reconcile pass failed: ${errorMessage(error)}`),
      );
      if (!this.passAgain) break;
      this.passAgain = false;
      if (!this.running) break;
    }
    this.passing = false;
  }
}
