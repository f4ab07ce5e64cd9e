/**
 * NonOverlappingLoop runs `tick` every `intervalS` seconds, never two at a time: the next run is
 * scheduled when the previous one ends. A failed run is handed to `onError` and the loop goes on.
 * `stop` cancels the next run and waits for the current one.
 */
export class NonOverlappingLoop {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly intervalS: number,
    private readonly tick: () => Promise<unknown>,
    private readonly onError: (error: Error) => void,
  ) {}

  /** start schedules the first run one interval from now. */
  start(): void {
    this.schedule();
  }

  /** stop cancels the next run and resolves when the run in progress (if any) has ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick()
        .then(() => undefined)
        .catch((error: Error) => this.onError(error))
        .finally(() => {
          this.running = undefined;
          this.schedule();
        });
    }, this.intervalS * 1000);
  }
}
