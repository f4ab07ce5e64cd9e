import { LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { createRmqServer } from '@app/messaging';
import type { NextFunction, Request, Response } from 'express';
import session from 'express-session';
import { join } from 'path';
import { DataSource } from 'typeorm';
import { MANAGER_USER } from './auth/credentials';
import { ensureCsrfToken } from './auth/csrf';
import { GatewaySessionStore } from './auth/gateway-session.store';
import { Clock } from './auth/login-throttle';
import { sessionSecretOf } from './auth/session-secret';
import './auth/session.types';
import { CookieSecureMode, GatewayConfig } from './gateway.config';
import { GatewayModule } from './gateway.module';
import { BODY_LIMIT_BYTES, bodyErrorHandler } from './http/body-errors';
import { apiCrossSiteGuard } from './http/cross-site';
import { orDatabaseOutage } from './http/database-outage';
import { sendFavicon } from './http/favicon';
import { requestKind } from './http/request-kind';
import { gatewayAssets } from './pages/assets';
import { loadHbs, registerViewHelpers } from './pages/view-helpers';
import { GatewayExit } from './shutdown/gateway-exit';

/** SESSION_COOKIE is the name of the manager's session cookie. */
export const SESSION_COOKIE = 'ebbflow.manager';

/** CONTENT_SECURITY_POLICY allows only the gateway's own scripts (no inline script, no CDN). */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "form-action 'self'",
  "base-uri 'none'",
].join('; ');

/** HSTS is sent on HTTPS responses: 180 days, subdomains included (issue #10). */
export const HSTS = 'max-age=15552000; includeSubDomains';

/**
 * cookieSecureOption is express-session's `cookie.secure` for a mode: `auto` lets it follow
 * `req.secure` (HTTPS, or X-Forwarded-Proto https from a trusted proxy).
 */
export function cookieSecureOption(mode: CookieSecureMode): boolean | 'auto' {
  return mode === 'auto' ? 'auto' : mode === 'true';
}

/** sendsHsts tells whether a response carries Strict-Transport-Security. */
export function sendsHsts(mode: CookieSecureMode, secure: boolean): boolean {
  // Browsers ignore HSTS over plain HTTP (RFC 6797 §8.1), so `true` needs no other rule.
  return mode !== 'false' && secure;
}

/**
 * GatewayAppOptions tune how the gateway is built (tests pass a fake exit, a fake clock for the
 * login throttle and quiet logs).
 */
export interface GatewayAppOptions {
  exit?: GatewayExit;
  clock?: Clock;
  logger?: false | LogLevel[];
}

/**
 * createGatewayApp builds the gateway: the Nest HTTP app (pages, API, sessions, views, static
 * files) with its RabbitMQ consumer connected and started. The caller listens.
 */
export async function createGatewayApp(
  config: GatewayConfig,
  options: GatewayAppOptions = {},
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(
    GatewayModule.forRoot(config, { exit: options.exit, clock: options.clock }),
    {
      // Open Server-Sent Events streams would otherwise hold `close()` forever.
      forceCloseConnections: true,
      // configureHttp installs the parsers itself, after the cross-site check, with a 4xx
      // answer for a body too large or malformed.
      bodyParser: false,
      ...(options.logger !== undefined ? { logger: options.logger } : {}),
    },
  );
  configureHttp(app, config);
  // The gateway sends SYSTEM_SHUTDOWN and stops itself after its answer (GatewayExit), so its
  // transport must not react to it.
  app.connectMicroservice({
    strategy: createRmqServer('gateway', config, { onSystemShutdown: null }),
  });
  await app.startAllMicroservices();
  return app;
}

/**
 * configureHttp sets up views, static files, security headers, the API's cross-site check,
 * sessions (in MySQL, so they survive a restart; see sessionSecretOf for the cookie's secret),
 * page locals and the body parsers.
 */
export function configureHttp(app: NestExpressApplication, config: GatewayConfig): void {
  const assets = gatewayAssets();
  app.disable('x-powered-by');
  app.set('trust proxy', config.MANAGER_TRUST_PROXY);
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (sendsHsts(config.MANAGER_COOKIE_SECURE, req.secure))
      res.setHeader('Strict-Transport-Security', HSTS);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Referrer-Policy', 'same-origin');
    if (requestKind(req) === 'page')
      res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    next();
  });
  app.use(apiCrossSiteGuard(config.MANAGER_ALLOWED_ORIGINS));
  app.useStaticAssets(assets.public, { prefix: '/static/', maxAge: '1h', index: false });
  for (const file of ['chart.umd.js', 'chart.umd.min.js']) {
    app.use(`/static/vendor/${file}`, (_req: Request, res: Response) => {
      res.sendFile(join(assets.chartJs, file), { maxAge: '1d' });
    });
  }
  // Browsers ask for /favicon.ico whatever the page links: answer it before the session.
  app.use('/favicon.ico', sendFavicon(join(assets.public, 'favicon.ico')));
  const store = new GatewaySessionStore(app.get(DataSource), config.SESSION_TTL_S * 1000);
  store.startPruning();
  app.use(
    orDatabaseOutage(
      session({
        name: SESSION_COOKIE,
        secret: sessionSecretOf(config),
        store,
        resave: false,
        saveUninitialized: false,
        rolling: true,
        cookie: {
          httpOnly: true,
          sameSite: 'lax',
          secure: cookieSecureOption(config.MANAGER_COOKIE_SECURE),
          maxAge: config.SESSION_TTL_S * 1000,
        },
      }),
    ),
  );
  app.use((req: Request, res: Response, next: NextFunction) => {
    // `/health` is polled by machines: no session for it.
    if (requestKind(req) === 'page' && req.path !== '/health') {
      res.locals.csrfToken = ensureCsrfToken(req.session);
      res.locals.loggedIn = req.session.user === MANAGER_USER;
      if (req.method === 'GET' && req.session.flash) {
        res.locals.flash = req.session.flash;
        delete req.session.flash;
      }
    }
    next();
  });
  app.useBodyParser('json', { limit: BODY_LIMIT_BYTES });
  app.useBodyParser('urlencoded', { limit: BODY_LIMIT_BYTES, extended: true });
  app.use(bodyErrorHandler());
  const hbs = loadHbs();
  registerViewHelpers(hbs);
  app.setBaseViewsDir(assets.views);
  app.setViewEngine('hbs');
  app.set('view options', { layout: 'layout' });
  const closeStore = () => store.close();
  app.getHttpServer().once('close', closeStore);
}
