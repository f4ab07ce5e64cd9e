import type { Request } from 'express';

/**
 * clientAddress is who is asking: X-Forwarded-For's client when the peer is a trusted proxy
 * (WORKER_TRUSTED_PROXIES, Express's `trust proxy`), else the peer itself.
 */
export function clientAddress(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}
