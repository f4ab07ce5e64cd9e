import { resolve } from 'path';
import { z } from 'zod';
import { ConfigError, S3_ENV, env, loadConfig } from '@app/config';
import { startLocalS3 } from './local-s3.server';

/** LOCAL_S3_ENV configures the local S3 server process (`npm start` runs it in local mode). */
export const LOCAL_S3_ENV = {
  S3_PORT: S3_ENV.S3_PORT,
  S3_DIRECTORY: S3_ENV.S3_DIRECTORY,
  S3_BUCKET: S3_ENV.S3_BUCKET,
  S3_HOST: env.string('127.0.0.1').pipe(z.string().min(1, 'must not be empty')),
};

/** main starts the local S3 server and closes it on SIGTERM / SIGINT. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(LOCAL_S3_ENV);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`[local-s3] ${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
  const s3 = await startLocalS3({
    port: config.S3_PORT,
    host: config.S3_HOST,
    directory: resolve(config.S3_DIRECTORY),
    buckets: [config.S3_BUCKET],
  });
  process.stdout.write(
    `[local-s3] listening on ${s3.url}, bucket "${config.S3_BUCKET}", files in ${resolve(config.S3_DIRECTORY)}\n`,
  );
  const stop = () => {
    void s3.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`[local-s3] failed to start: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
});
