/** Clock answers the current time in milliseconds since the epoch (tests pass a fake one). */
export type Clock = () => number;

/** MAX_TRACKED_CLIENTS bounds the keys remembered at once per counter (oldest forgotten first). */
export const MAX_TRACKED_CLIENTS = 10_000;

/** MAX_USER_KEY_LENGTH bounds the user-name part of a key (a 100 kB name must not cost 100 kB). */
const MAX_USER_KEY_LENGTH = 64;

/** ThrottleVerdict says whether a client may try to log in now, and if not, for how long. */
export type ThrottleVerdict = { blocked: false } | { blocked: true; retryAfterS: number };

/**
 * FailureWindow counts failures per key in a sliding window: after `maxFailures` failures within
 * `windowMs` the key is blocked until the oldest of them leaves the window. Memory stays
 * bounded: expired entries are pruned once per window and at most `maxKeys` keys are kept.
 */
export class FailureWindow {
  /** Failure times per key, oldest first, never more than maxFailures of them. */
  private readonly failures = new Map<string, number[]>();
  private lastPrune: number;

  constructor(
    private readonly maxFailures: number,
    private readonly windowMs: number,
    private readonly clock: Clock,
    private readonly maxKeys: number,
  ) {
    this.lastPrune = clock();
  }

  /** check says whether `key` may attempt a login now. */
  check(key: string): ThrottleVerdict {
    const now = this.clock();
    const recent = this.recent(key, now);
    if (recent.length < this.maxFailures) return { blocked: false };
    const until = recent[recent.length - this.maxFailures] + this.windowMs;
    return { blocked: true, retryAfterS: Math.max(1, Math.ceil((until - now) / 1000)) };
  }

  /** fail records a failure of `key`. */
  fail(key: string): void {
    const now = this.clock();
    this.pruneNowAndThen(now);
    const recent = [...this.recent(key, now), now].slice(-this.maxFailures);
    // Re-inserted so the Map's order is least recently failed first (evicted first).
    this.failures.delete(key);
    this.failures.set(key, recent);
    while (this.failures.size > this.maxKeys) {
      const oldest = this.failures.keys().next().value as string;
      this.failures.delete(oldest);
    }
  }

  /** forget drops the failures of `key`. */
  forget(key: string): void {
    this.failures.delete(key);
  }

  /** size is the number of keys remembered. */
  get size(): number {
    return this.failures.size;
  }

  private recent(key: string, now: number): number[] {
    const times = this.failures.get(key);
    if (!times) return [];
    const recent = times.filter((t) => t > now - this.windowMs);
    if (recent.length === 0) this.failures.delete(key);
    else if (recent.length !== times.length) this.failures.set(key, recent);
    return recent;
  }

  private pruneNowAndThen(now: number): void {
    if (now - this.lastPrune < this.windowMs) return;
    this.lastPrune = now;
    for (const [key, times] of this.failures) {
      if (times[times.length - 1] <= now - this.windowMs) this.failures.delete(key);
    }
  }
}

/** LoginThrottleOptions are LoginThrottle's limits (LOGIN_MAX_FAILURES and friends). */
export interface LoginThrottleOptions {
  /** Failures of one user name from one address before that pair is refused. */
  maxFailures: number;
  /** Failures from one address, whatever the user names, before the address is refused. */
  maxFailuresPerAddress: number;
  windowMs: number;
  clock?: Clock;
  maxClients?: number;
}

/**
 * LoginThrottle refuses logins from where guessing happens, and only there. It counts failures
 * per (address, user) — refused after `maxFailures`, even with the right password, so guessing
 * gains nothing — and per address — refused after `maxFailuresPerAddress`, so cycling user
 * names gains nothing either. Nothing is counted across addresses: failures from one address
 * never refuse another (issue #10: the admin could be locked out from elsewhere), and a right
 * password from an address that has not failed is always let in. A success forgets the pair
 * and the address.
 */
export class LoginThrottle {
  private readonly perPair: FailureWindow;
  private readonly perAddress: FailureWindow;

  constructor(options: LoginThrottleOptions) {
    const clock = options.clock ?? Date.now;
    const maxClients = options.maxClients ?? MAX_TRACKED_CLIENTS;
    this.perPair = new FailureWindow(options.maxFailures, options.windowMs, clock, maxClients);
    this.perAddress = new FailureWindow(
      options.maxFailuresPerAddress,
      options.windowMs,
      clock,
      maxClients,
    );
  }

  /** check says whether `user` may attempt a login from `client` now. */
  check(client: string, user: string): ThrottleVerdict {
    const verdicts = [this.perPair.check(pairKey(client, user)), this.perAddress.check(client)];
    const waits = verdicts.flatMap((v) => (v.blocked ? [v.retryAfterS] : []));
    return waits.length ? { blocked: true, retryAfterS: Math.max(...waits) } : { blocked: false };
  }

  /** fail records a failed attempt of `user` from `client`. */
  fail(client: string, user: string): void {
    this.perPair.fail(pairKey(client, user));
    this.perAddress.fail(client);
  }

  /** succeed forgets the failures of `user` from `client`, and of the address (a login). */
  succeed(client: string, user: string): void {
    this.perPair.forget(pairKey(client, user));
    this.perAddress.forget(client);
  }

  /** size is the number of addresses remembered (tests). */
  get size(): number {
    return this.perAddress.size;
  }
}

function pairKey(client: string, user: string): string {
  return `${client}\n${user.slice(0, MAX_USER_KEY_LENGTH)}`;
}

/**
 * clientAddressOf is the address a request is throttled by: `req.ip`, the socket's peer, or
 * the client a trusted proxy names (MANAGER_TRUST_PROXY). An IPv4-mapped IPv6 address counts as
 * its IPv4 address, so switching between the two spellings does not reset the count.
 */
export function clientAddressOf(req: { ip?: string; socket?: { remoteAddress?: string } }): string {
  const address = req.ip ?? req.socket?.remoteAddress ?? 'unknown';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}
