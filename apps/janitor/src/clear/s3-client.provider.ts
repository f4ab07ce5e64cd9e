import { FactoryProvider } from '@nestjs/common';
import { S3Client } from '@aws-sdk/client-s3';
import { createS3Client } from '@app/storage';
import { JanitorConfig } from '../janitor.config';

/** S3_CLIENT is the DI token of the janitor's one S3Client. */
export const S3_CLIENT = Symbol('S3_CLIENT');

/** s3ClientProvider builds the janitor's S3Client once (tests can override the token). */
export function s3ClientProvider(config: JanitorConfig): FactoryProvider<S3Client> {
  return { provide: S3_CLIENT, useFactory: () => createS3Client(config) };
}
