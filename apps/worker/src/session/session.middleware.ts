import type { RequestHandler } from 'express';
import session, { Store } from 'express-session';
import { WorkerConfig } from '../worker.config';

/** SESSION_COOKIE is the name of the session cookie. */
export const SESSION_COOKIE = 'ebbflow.sid';

/**
 * isPagePath says whether a path is a page that may use the session. The JSON API authenticates
 * with the password, and health checks, metrics scrapes, static files and the load-test endpoints
 * must not cost a database read each.
 */
export function isPagePath(path: string): boolean {
  return !(
    path.startsWith('/api/') ||
    path.startsWith('/static/') ||
    path === '/health' ||
    path === '/metrics'
  );
}

/**
 * createSessionMiddleware builds express-session for pages: a signed, httpOnly, SameSite=Lax cookie
 * naming a session kept in `store` (MySQL), so any worker behind the balancer can serve any user.
 * APP_COOKIE_SECURE decides `Secure`: `auto` marks the cookie Secure when the request came over
 * HTTPS (trust proxy is set, so X-Forwarded-Proto https from the balancer counts), `true` always
 * (express-session then sends no cookie over plain HTTP), `false` never.
 */
export function createSessionMiddleware(store: Store, config: WorkerConfig): RequestHandler {
  const handler = session({
    name: SESSION_COOKIE,
    secret: config.SESSION_SECRET,
    store,
    resave: false,
    saveUninitialized: false,
    rolling: false,
    unset: 'destroy',
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      secure: config.APP_COOKIE_SECURE === 'auto' ? 'auto' : config.APP_COOKIE_SECURE === 'true',
      path: '/',
      maxAge: config.SESSION_TTL_S * 1000,
    },
  });
  return (req, res, next) => (isPagePath(req.path) ? handler(req, res, next) : next());
}
