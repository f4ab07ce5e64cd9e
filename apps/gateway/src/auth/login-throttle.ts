/** Clock answers the current time in milliseconds since the epoch (tests pass a fake one). */
export type Clock = () => number;

/** MAX_TRACKED_CLIENTS bounds the addresses remembered at once (oldest forgotten first). */
export const MAX_TRACKED_CLIENTS = 10_000;

/** ThrottleVerdict says whether a client may try to log in now, and if not, for how long. */
export type ThrottleVerdict = { blocked: false } | { blocked: true; retryAfterS: number };

/**
 * LoginThrottle counts failed logins per client address: after `maxFailures` failures within
 * `windowMs` (sliding), every attempt from that address is refused — even with the right
 * password, so guessing gains nothing — until the oldest of those failures leaves the window.
 * A successful login forgets the address. Memory stays bounded: expired entries are pruned once
 * per window and at most MAX_TRACKED_CLIENTS addresses are kept.
 */
export class LoginThrottle {
  /** Failure times per address, oldest first, never more than maxFailures of them. */
  private readonly failures = new Map<string, number[]>();
  private lastPrune: number;

  constructor(
    private readonly maxFailures: number,
    private readonly windowMs: number,
    private readonly clock: Clock = Date.now,
    private readonly maxClients = MAX_TRACKED_CLIENTS,
  ) {
    this.lastPrune = clock();
  }

  /** check says whether `client` may attempt a login now. */
  check(client: string): ThrottleVerdict {
    const now = this.clock();
    const recent = this.recent(client, now);
    if (recent.length < this.maxFailures) return { blocked: false };
    const until = recent[recent.length - this.maxFailures] + this.windowMs;
    return { blocked: true, retryAfterS: Math.max(1, Math.ceil((until - now) / 1000)) };
  }

  /** fail records a failed attempt of `client`. */
  fail(client: string): void {
    const now = this.clock();
    this.pruneNowAndThen(now);
    const recent = [...this.recent(client, now), now].slice(-this.maxFailures);
    // Re-inserted so the Map's order is least recently failed first (evicted first).
    this.failures.delete(client);
    this.failures.set(client, recent);
    while (this.failures.size > this.maxClients) {
      const oldest = this.failures.keys().next().value as string;
      this.failures.delete(oldest);
    }
  }

  /** succeed forgets the failures of `client` (a successful login). */
  succeed(client: string): void {
    this.failures.delete(client);
  }

  /** size is the number of addresses remembered (tests). */
  get size(): number {
    return this.failures.size;
  }

  private recent(client: string, now: number): number[] {
    const times = this.failures.get(client);
    if (!times) return [];
    const recent = times.filter((t) => t > now - this.windowMs);
    if (recent.length === 0) this.failures.delete(client);
    else if (recent.length !== times.length) this.failures.set(client, recent);
    return recent;
  }

  private pruneNowAndThen(now: number): void {
    if (now - this.lastPrune < this.windowMs) return;
    this.lastPrune = now;
    for (const [client, times] of this.failures) {
      if (times[times.length - 1] <= now - this.windowMs) this.failures.delete(client);
    }
  }
}

/** clientAddressOf is the address a request is throttled by (the socket's peer). */
export function clientAddressOf(req: { ip?: string; socket?: { remoteAddress?: string } }): string {
  return req.ip ?? req.socket?.remoteAddress ?? 'unknown';
}
