import { S3Client } from '@aws-sdk/client-s3';
import { Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { createPublicS3Client, createS3Client } from '@app/storage';
import { WorkerConfig } from '../worker.config';
import { PRESIGN_S3_CLIENT, WORKER_CONFIG } from '../worker.tokens';
import { ObjectStore } from './object-store';

/**
 * StorageModule builds the worker's S3Client (local S3 server or S3), the client that presigns
 * browser URLs (a second one for S3_PUBLIC_ENDPOINT, else the same) and the ObjectStore.
 */
@Module({
  providers: [
    {
      provide: S3Client,
      useFactory: (config: WorkerConfig) => createS3Client(config),
      inject: [WORKER_CONFIG],
    },
    {
      provide: PRESIGN_S3_CLIENT,
      useFactory: (config: WorkerConfig, client: S3Client) =>
        createPublicS3Client(config) ?? client,
      inject: [WORKER_CONFIG, S3Client],
    },
    ObjectStore,
  ],
  exports: [ObjectStore],
})
export class StorageModule implements OnApplicationShutdown {
  constructor(
    private readonly client: S3Client,
    @Inject(PRESIGN_S3_CLIENT) private readonly presignClient: S3Client,
  ) {}

  onApplicationShutdown(): void {
    this.client.destroy();
    if (this.presignClient !== this.client) this.presignClient.destroy();
  }
}
