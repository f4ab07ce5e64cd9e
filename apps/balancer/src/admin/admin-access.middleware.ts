import { createHash, timingSafeEqual } from 'crypto';
import type { NextFunction, Request, Response } from 'express';
import { ADMIN_HOST } from '../balancer.config';

/** ADMIN_AUTH_SCHEME is how the admin token is sent: `Authorization: Bearer <token>`. */
export const ADMIN_AUTH_SCHEME = 'Bearer';

/** AdminAccessRefusal is why a call to the admin API was refused, or null when it may go on. */
export type AdminAccessRefusal = { status: 401 | 403; message: string } | null;

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * checkAdminAccess decides whether one admin API call may go on (pure, for the middleware and
 * its spec). First the Host header must name the admin API itself (127.0.0.1:<port> or
 * localhost:<port>), so a web page whose DNS name was rebound to 127.0.0.1 cannot reach it
 * through a browser (403); then `Authorization: Bearer <token>` must carry the token, compared
 * in constant time (both sides hashed first, so neither the length nor a prefix leaks), 401.
 */
export function checkAdminAccess(
  token: string,
  host: string | undefined,
  authorization: string | undefined,
  port: number,
): AdminAccessRefusal {
  const allowedHosts = [`${ADMIN_HOST}:${port}`, `localhost:${port}`];
  if (!host || !allowedHosts.includes(host.toLowerCase())) {
    return {
      status: 403,
      message: `Host ${JSON.stringify(host ?? '')} is not the admin API's address (${allowedHosts.join(' or ')})`,
    };
  }
  const match = /^Bearer +(\S+) *$/i.exec(authorization ?? '');
  if (!match) {
    return {
      status: 401,
      message: 'an Authorization: Bearer <BALANCER_ADMIN_TOKEN> header is required',
    };
  }
  if (!timingSafeEqual(digest(match[1]), digest(token))) {
    return { status: 401, message: 'the admin token is wrong' };
  }
  return null;
}

/**
 * adminAccess is the admin API's Express middleware: every call (health included, it tells how
 * many targets there are) needs the token and the right Host, before its body is even parsed
 * (issue #10: the admin API changed routing for anyone on the machine).
 */
export function adminAccess(token: string) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const refusal = checkAdminAccess(
      token,
      req.headers.host,
      req.headers.authorization,
      req.socket.localPort ?? 0,
    );
    if (!refusal) {
      next();
      return;
    }
    if (refusal.status === 401) {
      res.setHeader('WWW-Authenticate', `${ADMIN_AUTH_SCHEME} realm="ebbflow-balancer-admin"`);
    }
    res.status(refusal.status).json({
      statusCode: refusal.status,
      error: refusal.status === 401 ? 'Unauthorized' : 'Forbidden',
      message: refusal.message,
    });
  };
}
