import type { RequestHandler } from 'express';

/** INSTANCE_HEADER names the worker that answered; the balancer tests and the benchmark read it. */
export const INSTANCE_HEADER = 'X-Ebbflow-Instance';

/**
 * responseHeaders sets, on every response (pages, API, static files, errors), the worker's
 * instance id and the browser security headers. `imageOrigin` is where presigned picture URLs
 * point (the local S3 server, or S3), the only other origin pages load from.
 */
export function responseHeaders(instanceId: string, imageOrigin: string): RequestHandler {
  const csp = [
    "default-src 'self'",
    `img-src 'self' data: ${imageOrigin}`,
    "style-src 'self'",
    "script-src 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
  return (_req, res, next) => {
    res.setHeader(INSTANCE_HEADER, instanceId);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'same-origin');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Content-Security-Policy', csp);
    res.locals.instanceId = instanceId;
    next();
  };
}
