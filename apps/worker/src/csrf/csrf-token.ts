import { randomBytes, timingSafeEqual } from 'crypto';
import type { WorkerSession } from '../session/session-data';

/** CSRF_FIELD is the hidden form field that carries the token; CSRF_HEADER the header alternative. */
export const CSRF_FIELD = '_csrf';
export const CSRF_HEADER = 'x-csrf-token';

/**
 * csrfTokenFor returns the session's synchronizer token, creating it on first use. One token per
 * session (not per form) so several open tabs keep working.
 */
export function csrfTokenFor(session: WorkerSession): string {
  if (!session.csrfToken) session.csrfToken = randomBytes(32).toString('base64url');
  return session.csrfToken;
}

/** isValidCsrfToken compares a submitted token with the session's in constant time. */
export function isValidCsrfToken(session: WorkerSession | undefined, submitted: unknown): boolean {
  const expected = session?.csrfToken;
  if (!expected || typeof submitted !== 'string' || submitted.length === 0) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(submitted);
  return a.length === b.length && timingSafeEqual(a, b);
}
