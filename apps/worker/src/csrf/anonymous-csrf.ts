import { createHmac, randomBytes, timingSafeEqual } from 'crypto';
import type { Request, RequestHandler } from 'express';

/** CSRF_COOKIE carries the CSRF token of a visitor who is not logged in (no session). */
export const CSRF_COOKIE = 'ebbflow.csrf';

/** AnonymousCsrfRequest is a page request with the lazily created anonymous token. */
interface AnonymousCsrfRequest extends Request {
  anonymousCsrf?: { token(): string; valid?: string };
}

const sign = (secret: string, nonce: string) =>
  createHmac('sha256', secret).update(`csrf:${nonce}`).digest('base64url');

/** cookieValue reads one cookie from the Cookie header (the worker has no cookie parser). */
function cookieValue(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** verified returns `token` when it is `<nonce>.<HMAC of nonce>` under `secret`, else undefined. */
function verified(secret: string, token: string | undefined): string | undefined {
  const [nonce, mac, extra] = (token ?? '').split('.');
  if (!nonce || !mac || extra !== undefined) return undefined;
  const a = Buffer.from(mac);
  const b = Buffer.from(sign(secret, nonce));
  return a.length === b.length && timingSafeEqual(a, b) ? token : undefined;
}

/**
 * anonymousCsrfMiddleware gives the login and register forms a CSRF token without a session
 * (issue #15: every anonymous view of /login wrote a session row, for its token). The token is a
 * signed double submit: `<nonce>.<HMAC-SHA256(SESSION_SECRET, nonce)>` in an httpOnly SameSite=Lax
 * cookie and in the form; a POST is accepted when both are equal and the signature holds. Another
 * site can neither read the cookie nor forge a signed one. The cookie is set only when a page
 * with a form asks for the token (anonymousCsrfToken); `secure` follows APP_COOKIE_SECURE.
 */
export function anonymousCsrfMiddleware(
  secret: string,
  secure: 'auto' | 'true' | 'false',
): RequestHandler {
  return (req, res, next) => {
    const request = req as AnonymousCsrfRequest;
    const valid = verified(secret, cookieValue(req, CSRF_COOKIE));
    let current = valid;
    request.anonymousCsrf = {
      valid,
      token() {
        if (current) return current;
        const nonce = randomBytes(32).toString('base64url');
        current = `${nonce}.${sign(secret, nonce)}`;
        res.cookie(CSRF_COOKIE, current, {
          httpOnly: true,
          sameSite: 'lax',
          path: '/',
          secure: secure === 'auto' ? req.secure : secure === 'true',
        });
        return current;
      },
    };
    next();
  };
}

/** anonymousCsrfToken is the visitor's cookie token, set on this response when there is none. */
export function anonymousCsrfToken(req: Request): string {
  const csrf = (req as AnonymousCsrfRequest).anonymousCsrf;
  if (!csrf) throw new Error('anonymousCsrfMiddleware is not installed for this path');
  return csrf.token();
}

/** isValidAnonymousCsrfToken says whether `submitted` equals the request's valid signed cookie. */
export function isValidAnonymousCsrfToken(req: Request, submitted: unknown): boolean {
  const expected = (req as AnonymousCsrfRequest).anonymousCsrf?.valid;
  if (!expected || typeof submitted !== 'string' || submitted.length === 0) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(submitted);
  return a.length === b.length && timingSafeEqual(a, b);
}
