import { randomBytes } from 'crypto';
import { safeEqual } from './credentials';

/** CSRF_FIELD is the form field (and `X-CSRF-Token` header) carrying the token. */
export const CSRF_FIELD = '_csrf';
/** CSRF_HEADER is the header alternative to the form field, for scripts on the pages. */
export const CSRF_HEADER = 'x-csrf-token';

/** CsrfSession is the part of the session the synchronizer token lives in. */
export interface CsrfSession {
  csrfToken?: string;
}

/** ensureCsrfToken returns the session's token, creating one the first time. */
export function ensureCsrfToken(session: CsrfSession): string {
  if (!session.csrfToken) session.csrfToken = randomBytes(24).toString('base64url');
  return session.csrfToken;
}

/** rotateCsrfToken replaces the token (after login, so a token seen before login is useless). */
export function rotateCsrfToken(session: CsrfSession): string {
  session.csrfToken = undefined;
  return ensureCsrfToken(session);
}

/**
 * verifyCsrfToken checks a submitted token against the session's synchronizer token in constant
 * time. A session without a token, or a request without one, is refused.
 */
export function verifyCsrfToken(session: CsrfSession | undefined, submitted: unknown): boolean {
  const expected = session?.csrfToken;
  if (!expected || typeof submitted !== 'string' || submitted.length === 0) return false;
  return safeEqual(submitted, expected);
}
