import {
  GetObjectCommand,
  HeadBucketCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { mkdtemp, rm } from 'fs/promises';
import { tmpdir } from 'os';
import { join } from 'path';
import { uniqueName } from '@app/testing';
import { LocalS3, createS3Client, ensureBucket, startLocalS3 } from '../src';

describe('libs/storage with a real local S3 server', () => {
  const bucket = uniqueName('store');
  let directory: string;
  let s3: LocalS3;
  let client: S3Client;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'ebbflow-storage-'));
    s3 = await startLocalS3({ port: 0, directory, buckets: [bucket] });
    client = createS3Client({ AWS_REGION: 'us-east-1', ...s3.env });
  });

  afterAll(async () => {
    client?.destroy();
    await s3?.close();
    await rm(directory, { recursive: true, force: true });
  });

  it('should listen on 127.0.0.1 with the configured bucket', async () => {
    expect(s3.url).toBe(`http://127.0.0.1:${s3.port}`);
    await expect(client.send(new HeadBucketCommand({ Bucket: bucket }))).resolves.toBeTruthy();
  });

  it('should store an object and give it back byte for byte through a presigned URL', async () => {
    const body = Buffer.from([0, 1, 2, 250, 251, 252, 253, 254, 255]);
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'a/b.bin', Body: body }));
    const url = await getSignedUrl(
      client,
      new GetObjectCommand({ Bucket: bucket, Key: 'a/b.bin' }),
      {
        expiresIn: 60,
      },
    );
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(body)).toBe(true);
  });

  it('should refuse unsigned requests, like a private S3 bucket', async () => {
    const get = await fetch(`${s3.url}/${bucket}/a/b.bin`);
    expect(get.status).toBe(403);
    expect(await get.text()).toContain('<Code>AccessDenied</Code>');
    const list = await fetch(`${s3.url}/${bucket}?list-type=2`);
    expect(list.status).toBe(403);
    const put = await fetch(`${s3.url}/${bucket}/x.bin`, { method: 'PUT', body: 'x' });
    expect(put.status).toBe(403);
  });

  it('ensureBucket should create a missing bucket and leave an existing one alone', async () => {
    const other = uniqueName('created');
    await ensureBucket(client, other);
    await ensureBucket(client, other);
    await ensureBucket(client, bucket);
    const { Buckets } = await client.send(new ListBucketsCommand({}));
    expect(Buckets?.map((b) => b.Name)).toEqual(expect.arrayContaining([bucket, other]));
    const kept = await client.send(new GetObjectCommand({ Bucket: bucket, Key: 'a/b.bin' }));
    expect(kept.ContentLength).toBe(9);
  });

  it('should page through a listing with continuation tokens (s3rver on OpenSSL 3)', async () => {
    const paged = uniqueName('paged');
    await ensureBucket(client, paged);
    for (const key of ['k1', 'k2', 'k3']) {
      await client.send(new PutObjectCommand({ Bucket: paged, Key: key, Body: key }));
    }
    const first = await client.send(new ListObjectsV2Command({ Bucket: paged, MaxKeys: 2 }));
    expect(first.IsTruncated).toBe(true);
    expect(first.Contents?.map((o) => o.Key)).toEqual(['k1', 'k2']);
    const second = await client.send(
      new ListObjectsV2Command({
        Bucket: paged,
        MaxKeys: 2,
        ContinuationToken: first.NextContinuationToken,
      }),
    );
    expect(second.IsTruncated).toBe(false);
    expect(second.Contents?.map((o) => o.Key)).toEqual(['k3']);
  });
});
