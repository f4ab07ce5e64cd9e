import {
  CreateBucketCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { mkdtemp, rm } from 'fs/promises';
import { tmpdir } from 'os';
import { join } from 'path';
import { uniqueName } from '@app/testing';
import {
  S3AttackTarget,
  S3_ATTACK_CASES,
  runS3Attack,
  sendRawS3Request,
} from '../../../test/security/s3-attacks';
import { LocalS3, createS3Client, startLocalS3 } from '../src';

/** The bucket's state as a valid client sees it: every key with its ETag, and the victim's bytes. */
async function snapshot(client: S3Client, bucket: string, victimKey: string) {
  const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
  const victim = await client.send(new GetObjectCommand({ Bucket: bucket, Key: victimKey }));
  return {
    objects: (listed.Contents ?? []).map((o) => `${o.Key} ${o.ETag}`).sort(),
    victim: Buffer.from(await victim.Body!.transformToByteArray()).toString('base64'),
  };
}

describe('local S3 server: SigV4 like S3', () => {
  const bucket = uniqueName('sigv4');
  const victimKey = 'alice/secret-picture.png';
  const ownKey = 'mallory/own-picture.png';
  let directory: string;
  let s3: LocalS3;
  let client: S3Client;
  let target: S3AttackTarget;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'ebbflow-sigv4-'));
    s3 = await startLocalS3({ port: 0, directory, buckets: [bucket] });
    client = createS3Client({ AWS_REGION: 'us-east-1', ...s3.env });
    await client.send(
      new PutObjectCommand({ Bucket: bucket, Key: victimKey, Body: Buffer.from('alice only') }),
    );
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: ownKey, Body: 'mallory' }));
    target = {
      endpoint: s3.url,
      bucket,
      accessKeyId: s3.credentials.accessKeyId,
      secretAccessKey: s3.credentials.secretAccessKey,
      victimKey,
      ownKey,
    };
  });

  afterAll(async () => {
    client?.destroy();
    await s3?.close();
    await rm(directory, { recursive: true, force: true });
  });

  it.each(S3_ATTACK_CASES.map((attack) => [attack.name, attack] as const))(
    'should refuse %s and change nothing',
    async (_name, attack) => {
      const before = await snapshot(client, bucket, victimKey);
      const result = await runS3Attack(attack, target);
      expect({ status: result.status, code: result.code }).toEqual({
        status: attack.status,
        code: attack.code,
      });
      expect(result.body).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<Error><Code>/);
      expect(result.body).not.toContain('alice only');
      expect(await snapshot(client, bucket, victimKey)).toEqual(before);
    },
  );

  it('should refuse a HEAD with a status and no body, and an unsigned bucket listing', async () => {
    const head = await sendRawS3Request(s3.url, {
      method: 'HEAD',
      path: `/${bucket}`,
      headers: {},
    });
    expect(head.status).toBe(403);
    expect(head.body).toBe('');
    const root = await sendRawS3Request(s3.url, { method: 'GET', path: '/', headers: {} });
    expect(root.code).toBe('AccessDenied');
  });

  it('should serve every call the product makes with the SDK and the generated key pair', async () => {
    const other = uniqueName('created');
    await client.send(new CreateBucketCommand({ Bucket: other }));
    await client.send(new HeadBucketCommand({ Bucket: other }));
    const body = Buffer.from([0, 1, 2, 253, 254, 255]);
    await client.send(
      new PutObjectCommand({
        Bucket: other,
        Key: 'dir/a b+c&d.bin',
        Body: body,
        ContentType: 'image/png',
        ContentLength: body.length,
      }),
    );
    const got = await client.send(new GetObjectCommand({ Bucket: other, Key: 'dir/a b+c&d.bin' }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(body)).toBe(true);
    const listed = await client.send(
      new ListObjectsV2Command({ Bucket: other, Prefix: 'dir/', MaxKeys: 10 }),
    );
    expect(listed.Contents?.map((o) => o.Key)).toEqual(['dir/a b+c&d.bin']);
    const deleted = await client.send(
      new DeleteObjectsCommand({
        Bucket: other,
        Delete: { Objects: [{ Key: 'dir/a b+c&d.bin' }], Quiet: false },
      }),
    );
    expect(deleted.Deleted?.map((d) => d.Key)).toEqual(['dir/a b+c&d.bin']);
    expect((await client.send(new ListObjectsV2Command({ Bucket: other }))).KeyCount).toBe(0);
  });

  it('should serve a valid presigned GET, also one signed for another host name of the server', async () => {
    const url = await getSignedUrl(
      client,
      new GetObjectCommand({ Bucket: bucket, Key: victimKey }),
      { expiresIn: 60 },
    );
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('alice only');

    // As with S3_PUBLIC_ENDPOINT: signed for the host the browser uses, checked against its Host.
    const publicClient = createS3Client({
      AWS_REGION: 'us-east-1',
      ...s3.env,
      S3_ENDPOINT: `http://localhost:${s3.port}`,
    });
    const publicUrl = await getSignedUrl(
      publicClient,
      new GetObjectCommand({ Bucket: bucket, Key: victimKey }),
      { expiresIn: 60 },
    );
    publicClient.destroy();
    expect((await fetch(publicUrl)).status).toBe(200);
    const elsewhere = new URL(publicUrl);
    elsewhere.host = new URL(s3.url).host;
    const refused = await fetch(elsewhere);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
  });
});
