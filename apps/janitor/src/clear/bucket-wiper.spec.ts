import {
  DeleteObjectsCommand,
  ListObjectsV2Command,
  NoSuchBucket,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { BucketWiper, describeObjectErrors } from './bucket-wiper';

describe('BucketWiper', () => {
  const s3 = new S3Client({ region: 'us-east-1' });
  const mock = mockClient(s3);
  const wiper = new BucketWiper(s3);

  afterEach(() => mock.reset());
  afterAll(() => s3.destroy());

  it('should list page by page and delete each page in one DeleteObjects call', async () => {
    mock
      .on(ListObjectsV2Command, { Bucket: 'pics', MaxKeys: 2, ContinuationToken: undefined })
      .resolves({
        Contents: [{ Key: 'a' }, { Key: 'b' }],
        IsTruncated: true,
        NextContinuationToken: 't1',
      })
      .on(ListObjectsV2Command, { Bucket: 'pics', MaxKeys: 2, ContinuationToken: 't1' })
      .resolves({ Contents: [{ Key: 'c' }], IsTruncated: false });
    mock
      .on(DeleteObjectsCommand)
      .callsFake((input: { Delete: { Objects: { Key: string }[] } }) => ({
        Deleted: input.Delete.Objects.map(({ Key }) => ({ Key })),
      }));
    const seen: number[] = [];

    const outcome = await wiper.wipe('pics', 2, (n) => void seen.push(n));

    expect(outcome).toEqual({ deleted: 3, errors: [] });
    expect(seen).toEqual([2, 3]);
    expect(mock.commandCalls(ListObjectsV2Command).map((c) => c.args[0].input)).toEqual([
      { Bucket: 'pics', MaxKeys: 2, ContinuationToken: undefined },
      { Bucket: 'pics', MaxKeys: 2, ContinuationToken: 't1' },
    ]);
    expect(mock.commandCalls(DeleteObjectsCommand).map((c) => c.args[0].input)).toEqual([
      { Bucket: 'pics', Delete: { Objects: [{ Key: 'a' }, { Key: 'b' }], Quiet: false } },
      { Bucket: 'pics', Delete: { Objects: [{ Key: 'c' }], Quiet: false } },
    ]);
  });

  it('should report the keys S3 refused and count only the deleted ones', async () => {
    mock
      .on(ListObjectsV2Command)
      .resolves({ Contents: [{ Key: 'a' }, { Key: 'b' }], IsTruncated: false });
    mock.on(DeleteObjectsCommand).resolves({
      Deleted: [{ Key: 'a' }],
      Errors: [{ Key: 'b', Code: 'AccessDenied', Message: 'Access Denied' }],
    });

    const outcome = await wiper.wipe('pics', 1000, () => undefined);

    expect(outcome).toEqual({
      deleted: 1,
      errors: [{ key: 'b', code: 'AccessDenied', message: 'Access Denied' }],
    });
  });

  it('should never ask for more than 1,000 keys per page, S3 limit of DeleteObjects', async () => {
    mock.on(ListObjectsV2Command).resolves({ Contents: [], IsTruncated: false });

    await wiper.wipe('pics', 5000, () => undefined);

    expect(mock.commandCalls(ListObjectsV2Command)[0].args[0].input.MaxKeys).toBe(1000);
    expect(mock.commandCalls(DeleteObjectsCommand)).toHaveLength(0);
  });

  it('should count nothing when the bucket does not exist', async () => {
    mock
      .on(ListObjectsV2Command)
      .rejects(new NoSuchBucket({ message: 'The specified bucket does not exist', $metadata: {} }));

    await expect(wiper.wipe('absent', 1000, () => undefined)).resolves.toEqual({
      deleted: 0,
      errors: [],
    });
  });
});

describe('describeObjectErrors', () => {
  it('should say nothing when every key was deleted', () => {
    expect(describeObjectErrors([])).toBeUndefined();
  });

  it('should name the first keys and count the rest', () => {
    const errors = Array.from({ length: 7 }, (_, i) => ({
      key: `k${i}`,
      code: 'AccessDenied',
      message: 'no',
    }));
    expect(describeObjectErrors(errors, 2)).toBe(
      '7 objects could not be deleted: k0 (AccessDenied: no), k1 (AccessDenied: no) and 5 more',
    );
  });
});
