/** ReconcileSettings are the reconcile loop's timings (from FLEET_* variables). */
export interface ReconcileSettings {
  /** Interval between two passes. */
  intervalMs: number;
  /** Unhealthy longer than this, or never healthy this long after launch: replaced. */
  unhealthyGraceMs: number;
  /** A draining worker is terminated at the latest this long after deregistration. */
  drainTimeoutMs: number;
  /** Wait after a failed launch; doubles per failure in a row up to LAUNCH_RETRY_MAX_MS. */
  launchRetryMs: number;
  /** How long closing the service waits for launches in flight. */
  shutdownWaitMs: number;
}

/** RECONCILE_SETTINGS is the DI token of the ReconcileSettings. */
export const RECONCILE_SETTINGS = Symbol('RECONCILE_SETTINGS');

/** LAUNCH_RETRY_MAX_MS caps the back-off after failed launches (a broken template retries each minute). */
export const LAUNCH_RETRY_MAX_MS = 60000;

/** Clock gives the current time; injected so grace periods are tested without waiting. */
export type Clock = () => Date;

/** CLOCK is the DI token of the Clock. */
export const CLOCK = Symbol('CLOCK');

/** systemClock is the real clock. */
export const systemClock: Clock = () => new Date();
