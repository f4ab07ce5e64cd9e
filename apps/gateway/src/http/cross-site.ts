import type { NextFunction, Request, Response } from 'express';
import { requestKind } from './request-kind';

/** STATE_CHANGING_METHODS are the methods that may change something (the rest only read). */
export const STATE_CHANGING_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** CrossSiteRefusal is why a state-changing API call is refused, as answered in JSON. */
export interface CrossSiteRefusal {
  status: 403 | 415;
  code: 'cross-site' | 'unsupported-media-type';
  message: string;
}

/** ApiRequestHeaders are the parts of a request the cross-site check reads. */
export interface ApiRequestHeaders {
  method: string;
  /** The manager's own origin as this request reached it (scheme from trust proxy, Host). */
  ownOrigin: string | undefined;
  origin: string | undefined;
  secFetchSite: string | undefined;
  contentType: string | undefined;
  /** True when the request has a body (Content-Length above 0 or Transfer-Encoding). */
  hasBody: boolean;
}

/**
 * normalizeOrigin turns `scheme://host[:port]` into the WHATWG origin (lower case, default port
 * dropped), or undefined when it is not an http(s) origin (`null`, a path, garbage).
 */
export function normalizeOrigin(value: string): string | undefined {
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    return url.origin;
  } catch {
    return undefined;
  }
}

/**
 * crossSiteRefusal decides whether a state-changing `/api` call may go on (undefined) or is
 * refused. Issue #10: `/api` answered a Basic challenge, the browser cached the credentials, and
 * a form on another site could then grow the pool, wipe the data or stop everything. So:
 * - `Sec-Fetch-Site: cross-site` or `same-site` (a browser says it comes from elsewhere) → 403,
 *   unless its Origin is one of MANAGER_ALLOWED_ORIGINS;
 * - an `Origin` that is neither the manager's own nor in MANAGER_ALLOWED_ORIGINS → 403 (browsers
 *   send Origin on every cross-origin POST, and `Origin: null` from sandboxed frames is refused);
 * - a body that is not `application/json` → 415: an HTML form can only send urlencoded,
 *   multipart or text/plain, and anything else from another site needs a CORS preflight, which
 *   the manager never grants;
 * - a body-less call is held to the same rule when it comes from a browser (Origin or
 *   Sec-Fetch-Site present): a form can POST with no fields. Scripts (curl) send neither header
 *   and need no Content-Type for a body-less call.
 */
export function crossSiteRefusal(
  req: ApiRequestHeaders,
  allowedOrigins: readonly string[],
): CrossSiteRefusal | undefined {
  if (!STATE_CHANGING_METHODS.has(req.method.toUpperCase())) return undefined;
  const site = req.secFetchSite?.trim().toLowerCase();
  const origin = req.origin === undefined ? undefined : normalizeOrigin(req.origin);
  // A page of an allowed origin is another site by definition: its browser says so.
  const allowed = origin !== undefined && allowedOrigins.includes(origin);
  if ((site === 'cross-site' || site === 'same-site') && !allowed) {
    return {
      status: 403,
      code: 'cross-site',
      message: `Refused: Sec-Fetch-Site is ${site}; the API accepts changes only from scripts or the manager's own pages.`,
    };
  }
  if (req.origin !== undefined) {
    const own = req.ownOrigin && normalizeOrigin(req.ownOrigin);
    if (!origin || (origin !== own && !allowed)) {
      return {
        status: 403,
        code: 'cross-site',
        message: `Refused: Origin ${req.origin} is not this manager's (${own ?? 'unknown'}) nor in MANAGER_ALLOWED_ORIGINS.`,
      };
    }
  }
  const fromBrowser = req.origin !== undefined || req.secFetchSite !== undefined;
  if (req.hasBody || fromBrowser) {
    const type = req.contentType?.split(';')[0].trim().toLowerCase();
    if (type !== 'application/json') {
      return {
        status: 415,
        code: 'unsupported-media-type',
        message: `Content-Type must be application/json, not ${type || 'none'}${req.hasBody ? '' : ' (required of browsers even without a body)'}.`,
      };
    }
  }
  return undefined;
}

/** hasBody tells whether a request announces a body (what body-parser itself checks). */
export function hasBody(req: Pick<Request, 'headers'>): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * apiCrossSiteGuard is the Express middleware applying crossSiteRefusal to `/api`, before the
 * body is read and before the credentials are checked, so a refused call costs nothing and
 * changes nothing.
 */
export function apiCrossSiteGuard(allowedOrigins: readonly string[]) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (requestKind(req) !== 'api') return next();
    const header = (name: string) => {
      const value = req.headers[name];
      return Array.isArray(value) ? value.join(',') : value;
    };
    const host = req.get('host');
    const refusal = crossSiteRefusal(
      {
        method: req.method,
        ownOrigin: host ? `${req.protocol}://${host}` : undefined,
        origin: header('origin'),
        secFetchSite: header('sec-fetch-site'),
        contentType: header('content-type'),
        hasBody: hasBody(req),
      },
      allowedOrigins,
    );
    if (!refusal) return next();
    res.status(refusal.status).json({ error: refusal.code, message: refusal.message });
  };
}
