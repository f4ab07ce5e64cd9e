/** KeepDesiredMode is FLEET_KEEP_DESIRED_ON_START. */
export type KeepDesiredMode = 'auto' | 'true' | 'false';

/** DesiredOnStartInput is everything the start-up decision needs. */
export interface DesiredOnStartInput {
  /** The desired size stored by the previous run; null on the very first start. */
  stored: number | null;
  /** INITIAL_WORKERS. */
  initial: number;
  mode: KeepDesiredMode;
  /** Workers of the previous run still alive; null when the provider could not be asked. */
  aliveWorkers: number | null;
}

/** DesiredOnStart is the desired size to start with, and why. */
export interface DesiredOnStart {
  desired: number;
  cause: string;
}

/**
 * desiredOnStart chooses the desired size at start. DESIGN says the manager starts the pool at 1
 * worker (INITIAL_WORKERS), yet restarting only the fleet service while 3 workers serve must leave
 * 3: in `auto` mode the stored size is kept when workers of the previous run are still alive (or
 * when that cannot be known), and INITIAL_WORKERS is used when none survived (a fresh start, or
 * after "Stopping" terminated them all and stored 0). `true` always keeps a stored size, `false`
 * always starts at INITIAL_WORKERS.
 */
export function desiredOnStart(input: DesiredOnStartInput): DesiredOnStart {
  const initial = { desired: input.initial, cause: `start: INITIAL_WORKERS=${input.initial}` };
  if (input.stored === null) return initial;
  const kept = { desired: input.stored, cause: 'start: kept the stored desired size' };
  switch (input.mode) {
    case 'false':
      return initial;
    case 'true':
      return kept;
    case 'auto':
      if (input.aliveWorkers === null || input.aliveWorkers > 0) return kept;
      return {
        desired: input.initial,
        cause: `start: no worker of the previous run is alive, INITIAL_WORKERS=${input.initial}`,
      };
  }
}
