import {
  CopyObjectCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { existsSync } from 'fs';
import { mkdtemp, readdir, rm } from 'fs/promises';
import { tmpdir } from 'os';
import { join } from 'path';
import { createS3Client, LocalS3, startLocalS3 } from '../src';

/** Every file under `dir`, relative to it. */
async function files(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

describe('local S3 server: keys with . or .. segments (they are file paths in s3rver)', () => {
  const bucket = 'pictures';
  const victimKey = 'images/1/p.png';
  let root: string;
  let s3: LocalS3;
  let client: S3Client;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'ebbflow-s3-keys-'));
    s3 = await startLocalS3({ port: 0, directory: join(root, 'data'), buckets: [bucket] });
    client = createS3Client({ AWS_REGION: 'us-east-1', ...s3.env });
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: victimKey, Body: 'alice' }));
  });

  afterAll(async () => {
    client?.destroy();
    await s3?.close();
    await rm(root, { recursive: true, force: true });
  });

  const KEYS = [
    '../../escape.txt', // out of the S3 directory
    'a/../../../escape.txt',
    'x/../images/1/p.png', // the victim's object under another name
    './images/1/p.png',
    'images/1/./p.png',
    'images/1/..',
  ];
  /** Each operation on `key`, sent (`client` is set by then). */
  const COMMANDS: [string, (key: string) => Promise<unknown>][] = [
    [
      'PutObject',
      (Key) => client.send(new PutObjectCommand({ Bucket: bucket, Key, Body: 'forged' })),
    ],
    ['GetObject', (Key) => client.send(new GetObjectCommand({ Bucket: bucket, Key }))],
    ['DeleteObject', (Key) => client.send(new DeleteObjectCommand({ Bucket: bucket, Key }))],
    [
      'DeleteObjects',
      (Key) =>
        client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key }] } })),
    ],
    [
      'CopyObject (source)',
      (Key) =>
        client.send(
          new CopyObjectCommand({
            Bucket: bucket,
            Key: 'copy.png',
            CopySource: `${bucket}/${Key}`,
          }),
        ),
    ],
  ];

  it.each(COMMANDS.flatMap(([name, make]) => KEYS.map((key) => [name, key, make] as const)))(
    'should refuse %s of %j with 400 InvalidArgument and write nothing',
    async (_name, key, make) => {
      const before = await files(root);
      const error = await make(key).then(
        () => undefined,
        (e: { name: string; $metadata?: { httpStatusCode?: number } }) => e,
      );
      expect({ name: error?.name, status: error?.$metadata?.httpStatusCode }).toEqual({
        name: 'InvalidArgument',
        status: 400,
      });
      expect(await files(root)).toEqual(before);
      expect(existsSync(join(root, 'escape.txt._S3rver_object'))).toBe(false);
      const victim = await client.send(new GetObjectCommand({ Bucket: bucket, Key: victimKey }));
      expect(await victim.Body!.transformToString()).toBe('alice');
    },
  );

  it('should still store keys that merely contain dots', async () => {
    const key = 'a.b/..c/.x/...';
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'fine' }));
    const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
    expect(listed.Contents?.map((o) => o.Key)).toContain(key);
  });
});
