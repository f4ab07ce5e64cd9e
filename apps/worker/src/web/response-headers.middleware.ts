import type { RequestHandler } from 'express';

/** INSTANCE_HEADER names the worker that answered; the balancer tests and the benchmark read it. */
export const INSTANCE_HEADER = 'X-Ebbflow-Instance';

/** HSTS is sent on HTTPS responses: 180 days, subdomains included (issue #10). */
export const HSTS = 'max-age=15552000; includeSubDomains';

/**
 * responseHeaders sets, on every response (pages, API, static files, errors), the worker's
 * instance id and the browser security headers. `imageOrigin` is where presigned picture URLs
 * point (the local S3 server, or S3), the only other origin pages load from.
 * Strict-Transport-Security goes on responses to HTTPS requests (`req.secure`, which follows
 * X-Forwarded-Proto from the balancer) unless `cookieSecure` (APP_COOKIE_SECURE) is `false`.
 */
export function responseHeaders(
  instanceId: string,
  imageOrigin: string,
  cookieSecure: 'auto' | 'true' | 'false' = 'auto',
): RequestHandler {
  const csp = [
    "default-src 'self'",
    `img-src 'self' data: ${imageOrigin}`,
    "style-src 'self'",
    "script-src 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
  return (req, res, next) => {
    res.setHeader(INSTANCE_HEADER, instanceId);
    // Browsers ignore HSTS over plain HTTP (RFC 6797 §8.1): only HTTPS answers carry it.
    if (cookieSecure !== 'false' && req.secure) res.setHeader('Strict-Transport-Security', HSTS);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'same-origin');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Content-Security-Policy', csp);
    res.locals.instanceId = instanceId;
    next();
  };
}
