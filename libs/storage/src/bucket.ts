import {
  BucketAlreadyOwnedByYou,
  CreateBucketCommand,
  HeadBucketCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';

/** ensureBucket creates `bucket` when it does not exist yet; an existing bucket is left as it is. */
export async function ensureBucket(client: S3Client, bucket: string): Promise<void> {
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucket }));
    return;
  } catch (error) {
    const status = (error as S3ServiceException).$metadata?.httpStatusCode;
    if (status !== 404) throw error;
  }
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (error) {
    // Another process may have created it between the two calls.
    if (!(error instanceof BucketAlreadyOwnedByYou)) throw error;
  }
}
