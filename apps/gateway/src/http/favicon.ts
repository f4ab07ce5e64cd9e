import type { RequestHandler } from 'express';

/**
 * sendFavicon answers GET/HEAD /favicon.ico with `file` (cached a day) and nothing else: browsers
 * ask for it on their own, and a 404 there is one error log line per visitor.
 */
export function sendFavicon(file: string): RequestHandler {
  return (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    res.type('image/x-icon');
    res.sendFile(file, { maxAge: '1d' });
  };
}
