import { createHash } from 'crypto';

/** ThrottleScope: a failure counts for the (account, address) pair and for the address alone. */
export type ThrottleScope = 'pair' | 'address';

/** FailureCount is one counter row: failures within the fixed window that started at windowStartMs. */
export interface FailureCount {
  scope: ThrottleScope;
  failures: number;
  windowStartMs: number;
}

/** ThrottleLimits: failures allowed per pair and per address within windowMs. */
export interface ThrottleLimits {
  maxPerPair: number;
  maxPerAddress: number;
  windowMs: number;
}

/** ThrottleDecision says whether a password check may go ahead, and if not for how long. */
export type ThrottleDecision =
  { refused: false } | { refused: true; scope: ThrottleScope; retryAfterS: number };

/**
 * decideThrottle says whether a password check is refused, from the counters of its pair and its
 * address, the limits and `nowMs` (no clock inside). A counter whose window has ended counts for
 * nothing. When several refuse, the longest wait is the one told.
 *
 * The rule (issue #10): failures are counted per (account, client address) and per client
 * address. Never per account alone: anyone could then lock a real user out by failing on their
 * name; the real user's own address has no failures, so their password still works.
 */
export function decideThrottle(
  counts: FailureCount[],
  limits: ThrottleLimits,
  nowMs: number,
): ThrottleDecision {
  let decision: ThrottleDecision = { refused: false };
  for (const c of counts) {
    const endsAt = c.windowStartMs + limits.windowMs;
    if (endsAt <= nowMs) continue;
    const max = c.scope === 'pair' ? limits.maxPerPair : limits.maxPerAddress;
    if (c.failures < max) continue;
    const retryAfterS = Math.max(1, Math.ceil((endsAt - nowMs) / 1000));
    if (!decision.refused || retryAfterS > decision.retryAfterS) {
      decision = { refused: true, scope: c.scope, retryAfterS };
    }
  }
  return decision;
}

/**
 * throttleKey is the stored key of a counter: a SHA-256, so the table holds no user names nor
 * addresses. Names are compared case-insensitively, as the users table's collation does.
 */
export function throttleKey(scope: ThrottleScope, username: string, address: string): string {
  const subject = scope === 'pair' ? `${username.toLowerCase()}\0${address}` : address;
  return createHash('sha256').update(`${scope}\0${subject}`).digest('hex');
}
