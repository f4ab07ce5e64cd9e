import { performance } from 'perf_hooks';
import { setImmediate as yieldToEventLoop } from 'timers/promises';

/**
 * BURN_SLICE_MS: the CPU is burnt in 20 ms slices with a pause for the event loop between them, so
 * a 10 s burn keeps one core busy yet health checks and other requests are still answered.
 */
export const BURN_SLICE_MS = 20;

/** burnCpu keeps the CPU busy for `ms` milliseconds of wall time. */
export async function burnCpu(ms: number, sliceMs = BURN_SLICE_MS): Promise<void> {
  const end = performance.now() + ms;
  let sink = 0;
  while (performance.now() < end) {
    const sliceEnd = Math.min(end, performance.now() + sliceMs);
    while (performance.now() < sliceEnd) {
      for (let i = 0; i < 1000; i += 1) sink = (sink + Math.sqrt(i * sink + 1)) % 1e9;
    }
    await yieldToEventLoop();
  }
  if (Number.isNaN(sink)) throw new Error('unreachable: keeps the loop from being optimised away');
}
