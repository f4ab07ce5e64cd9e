import { LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { AddressInfo } from 'net';
import { adminAccess } from './admin/admin-access.middleware';
import { AdminExceptionFilter } from './admin/admin-exception.filter';
import { ADMIN_HOST, BalancerConfig } from './balancer.config';
import { BalancerModule } from './balancer.module';
import { BalancerProxy } from './proxy/balancer.proxy';

export { ADMIN_HOST };

/** RunningBalancer is a started balancer: its Nest app and where it listens. */
export interface RunningBalancer {
  app: NestExpressApplication;
  /** e.g. http://127.0.0.1:8080 (the real port when BALANCER_PORT is 0). */
  proxyUrl: string;
  /** e.g. http://127.0.0.1:8081 */
  adminUrl: string;
  close(): Promise<void>;
}

/** StartBalancerOptions tune a balancer started in-process (tests pass a quieter logger). */
export interface StartBalancerOptions {
  logger?: LogLevel[] | false;
}

/**
 * startBalancer starts the balancer with `config`: the proxy on BALANCER_HOST:BALANCER_PORT and
 * the admin API on 127.0.0.1:BALANCER_ADMIN_PORT (every call needs BALANCER_ADMIN_TOKEN). Used by main.ts and by tests (fleet's too)
 * that run a balancer in-process; port 0 picks free ports, reported in the result.
 */
export async function startBalancer(
  config: BalancerConfig,
  options: StartBalancerOptions = {},
): Promise<RunningBalancer> {
  const app = await NestFactory.create<NestExpressApplication>(BalancerModule.forRoot(config), {
    // No logger given: the process's own (runMain's ServiceLogger at LOG_LEVEL).
    ...(options.logger !== undefined ? { logger: options.logger } : {}),
    // Keep-alive admin clients must not hold a stopping balancer open.
    forceCloseConnections: true,
    abortOnError: false,
    // JSON only: a form-encoded registration is refused rather than half understood.
    bodyParser: false,
  });
  // Before the body parser: a call without the token is refused without reading its body.
  app.use(adminAccess(config.BALANCER_ADMIN_TOKEN));
  app.useBodyParser('json', { limit: '16kb' });
  app.useGlobalFilters(new AdminExceptionFilter());
  app.disable('x-powered-by');
  try {
    await app.listen(config.BALANCER_ADMIN_PORT, ADMIN_HOST);
  } catch (error) {
    await app.close();
    throw error;
  }
  const adminPort = (app.getHttpServer().address() as AddressInfo).port;
  const proxyHost = config.BALANCER_HOST === '0.0.0.0' ? '127.0.0.1' : config.BALANCER_HOST;
  return {
    app,
    proxyUrl: `http://${proxyHost}:${app.get(BalancerProxy).port}`,
    adminUrl: `http://${ADMIN_HOST}:${adminPort}`,
    close: () => app.close(),
  };
}
