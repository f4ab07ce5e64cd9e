import { S3Client } from '@aws-sdk/client-s3';
import { Module, OnApplicationShutdown } from '@nestjs/common';
import { createS3Client } from '@app/storage';
import { WorkerConfig } from '../worker.config';
import { WORKER_CONFIG } from '../worker.tokens';
import { ObjectStore } from './object-store';

/** StorageModule builds the worker's one S3Client (local S3 server or S3) and the ObjectStore. */
@Module({
  providers: [
    {
      provide: S3Client,
      useFactory: (config: WorkerConfig) => createS3Client(config),
      inject: [WORKER_CONFIG],
    },
    ObjectStore,
  ],
  exports: [ObjectStore],
})
export class StorageModule implements OnApplicationShutdown {
  constructor(private readonly client: S3Client) {}

  onApplicationShutdown(): void {
    this.client.destroy();
  }
}
