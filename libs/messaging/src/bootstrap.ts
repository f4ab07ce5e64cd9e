import { INestApplicationContext, Logger } from '@nestjs/common';
import { ConfigError } from '@app/config';
import { useServiceLogger } from './logging';

/**
 * runMain starts a service: a ConfigError stops it with exit code 78 and a message naming the
 * variable; any other start-up failure exits 1 with its message. SIGTERM/SIGINT close the app.
 * The process logs through a ServiceLogger at LOG_LEVEL (useServiceLogger).
 */
export function runMain(service: string, start: () => Promise<INestApplicationContext>): void {
  const logger = new Logger(service);
  const fail = (error: unknown): never => {
    const cause = (error as { cause?: unknown })?.cause;
    const configError =
      error instanceof ConfigError ? error : cause instanceof ConfigError ? cause : undefined;
    if (configError) {
      process.stderr.write(`[${service}] ${configError.message}\n`);
      process.exit(78);
    }
    logger.error(`failed to start: ${(error as Error)?.stack ?? String(error)}`);
    process.exit(1);
  };
  try {
    useServiceLogger();
  } catch (error) {
    fail(error);
  }
  let app: INestApplicationContext | undefined;
  let closing = false;
  const stop = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.log(`${signal} received, stopping`);
    const force = setTimeout(() => process.exit(0), 10000);
    force.unref();
    void (app?.close() ?? Promise.resolve()).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  try {
    start().then((a) => {
      app = a;
      if (closing) void a.close();
    }, fail);
  } catch (error) {
    fail(error);
  }
}
