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
  // Required here: the server accepts exactly this key pair and must not invent one that the
  // services would not know (`npm start` generates it once into var/).
  S3_ACCESS_KEY_ID: z
    .string({ required_error: 'must be set (the key pair the server accepts)' })
    .min(1),
  S3_SECRET_ACCESS_KEY: z
    .string({ required_error: 'must be set (the key pair the server accepts)' })
    .min(16, 'must be at least 16 characters'),
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
    credentials: {
      accessKeyId: config.S3_ACCESS_KEY_ID,
      secretAccessKey: config.S3_SECRET_ACCESS_KEY,
    },
  });
  process.stdout.write(
    `[local-s3] listening on ${s3.url}, bucket "${config.S3_BUCKET}", files in ${resolve(config.S3_DIRECTORY)}, access key ${config.S3_ACCESS_KEY_ID}\n`,
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
