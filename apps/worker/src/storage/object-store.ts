import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { Inject, Injectable } from '@nestjs/common';
import { WorkerConfig } from '../worker.config';
import { PRESIGN_S3_CLIENT, WORKER_CONFIG } from '../worker.tokens';

/**
 * ObjectStore is the worker's bucket: store, delete, presign and check it is reachable. It talks
 * to S3 with `client`; presigned URLs, for browsers, come from `presignClient` (S3_PUBLIC_ENDPOINT).
 */
@Injectable()
export class ObjectStore {
  private readonly bucket: string;
  private readonly presignTtlS: number;

  constructor(
    private readonly client: S3Client,
    @Inject(PRESIGN_S3_CLIENT) private readonly presignClient: S3Client,
    @Inject(WORKER_CONFIG) config: WorkerConfig,
  ) {
    this.bucket = config.S3_BUCKET;
    this.presignTtlS = config.PRESIGN_TTL_S;
  }

  async put(key: string, body: Buffer, contentType: string): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: body,
        ContentType: contentType,
        ContentLength: body.length,
      }),
    );
  }

  /** deleteKeys removes objects; a key that does not exist is not an error. */
  async deleteKeys(keys: string[]): Promise<void> {
    await Promise.all(
      keys.map((key) =>
        this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key })),
      ),
    );
  }

  /**
   * presignGet returns a GET URL for `key`, for browsers (at S3_PUBLIC_ENDPOINT when set), that
   * expires after PRESIGN_TTL_S seconds.
   */
  presignGet(key: string): Promise<string> {
    return getSignedUrl(
      this.presignClient,
      new GetObjectCommand({ Bucket: this.bucket, Key: key }),
      { expiresIn: this.presignTtlS },
    );
  }

  /** ping resolves when the bucket answers; `signal` aborts the request. */
  async ping(signal: AbortSignal): Promise<void> {
    await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }), {
      abortSignal: signal,
    });
  }
}
