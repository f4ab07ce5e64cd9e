import { Injectable } from '@nestjs/common';

/**
 * FleetLock runs the fleet's state changes one at a time: a reconcile pass, a command, the end of
 * a launch. Two passes never overlap and a command never interleaves with a pass, so every
 * decision is taken on a state nobody else is changing (one fleet process owns the pool).
 */
@Injectable()
export class FleetLock {
  private tail: Promise<unknown> = Promise.resolve();

  /** run queues `fn` after everything queued before it and resolves with its result. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn);
    // The queue goes on whether `fn` failed or not; the caller sees the failure.
    this.tail = result.catch(() => undefined);
    return result;
  }
}
