import { LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { join } from 'path';
import { resolvePublicS3Endpoint } from '@app/storage';
import { anonymousCsrfMiddleware } from './csrf/anonymous-csrf';
import { RequestCounter } from './metrics/request-counter';
import { requestMetricsMiddleware } from './metrics/request-metrics.middleware';
import { WorkerMetrics } from './metrics/worker-metrics';
import { createSessionMiddleware } from './session/session.middleware';
import { TypeOrmSessionStore } from './session/typeorm-session.store';
import { workerAssetDirs } from './web/asset-dirs';
import { sendFavicon } from './web/favicon';
import { responseHeaders } from './web/response-headers.middleware';
import { WorkerConfig } from './worker.config';
import { WorkerModule } from './worker.module';

/**
 * imageOrigin is the origin presigned picture URLs point to (for the Content-Security-Policy):
 * S3_PUBLIC_ENDPOINT's when set, else the S3 endpoint's, else S3's.
 */
export function imageOrigin(config: WorkerConfig): string {
  const endpoint = resolvePublicS3Endpoint(config);
  return endpoint ? new URL(endpoint).origin : 'https://*.amazonaws.com';
}

/**
 * createWorkerApp builds the worker's Nest application (not listening yet): main.ts and the tests
 * both use it, so what is tested is what runs. Middleware order: response headers (every
 * response), request metrics, static files, then the session (pages only).
 */
export async function createWorkerApp(
  config: WorkerConfig,
  { logger }: { logger?: LogLevel[] | false } = {},
): Promise<NestExpressApplication> {
  // No logger given: the process's own (runMain's ServiceLogger at LOG_LEVEL).
  const app = await NestFactory.create<NestExpressApplication>(
    WorkerModule.forRoot(config),
    logger !== undefined ? { logger } : {},
  );
  const dirs = workerAssetDirs();
  // Workers sit behind one balancer (ALB or apps/balancer): trust its X-Forwarded-* headers, but
  // only when the peer is that balancer; anyone else could name any client address and escape
  // the login throttle (issue #10).
  app.set(
    'trust proxy',
    config.WORKER_TRUSTED_PROXIES.split(',').map((item) => item.trim()),
  );
  app.disable('x-powered-by');
  app.use(responseHeaders(config.INSTANCE_ID, imageOrigin(config), config.APP_COOKIE_SECURE));
  app.use(requestMetricsMiddleware(app.get(WorkerMetrics), app.get(RequestCounter)));
  app.useStaticAssets(dirs.public, { prefix: '/static/', maxAge: '1h', index: false });
  // Browsers ask for /favicon.ico on every first visit: answer it before the session.
  app.use('/favicon.ico', sendFavicon(join(dirs.public, 'favicon.ico')));
  app.use(createSessionMiddleware(app.get(TypeOrmSessionStore), config));
  app.use(anonymousCsrfMiddleware(config.SESSION_SECRET, config.APP_COOKIE_SECURE));
  app.setBaseViewsDir(dirs.views);
  app.setViewEngine('hbs');
  return app;
}
