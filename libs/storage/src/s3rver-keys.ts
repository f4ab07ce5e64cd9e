import path from 'path';

let installed = false;

/** DOT_SEGMENT matches a `.` or `..` path segment of a key (or a bucket name). */
const DOT_SEGMENT = /(^|\/)\.\.?(\/|$)/;

/**
 * confineS3rverKeys makes s3rver refuse keys with `.` or `..` path segments (400
 * InvalidArgument). s3rver keeps each object as files at `<directory>/<bucket>/<key>`, joined as
 * a file path: a signed PUT of `../../x` wrote outside the S3 directory, and `a/../images/1/p.png`
 * overwrote the object `images/1/p.png` (on S3 these are distinct, harmless keys; the product never
 * makes one). Checked where s3rver turns a key into a path, so object URLs, CopyObject sources and
 * DeleteObjects bodies are all covered. Idempotent.
 */
export function confineS3rverKeys(): void {
  if (installed) return;
  installed = true;
  /* eslint-disable @typescript-eslint/no-require-imports */
  const FilesystemStore = require('s3rver/lib/stores/filesystem') as {
    prototype: {
      getResourcePath(bucket: string, key?: string, resource?: string): string;
      getBucketPath(bucket: string): string;
    };
  };
  const S3Error = require('s3rver/lib/models/error') as new (
    code: string,
    message: string,
    detail?: Record<string, string>,
  ) => Error;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const refuse = (name: string, value: string) =>
    new S3Error(
      'InvalidArgument',
      `The local S3 server keeps objects as files: a ${name} with "." or ".." path segments is not supported.`,
      { ArgumentName: name, ArgumentValue: value },
    );
  const store = FilesystemStore.prototype;
  const getResourcePath = store.getResourcePath;
  const getBucketPath = store.getBucketPath;
  store.getResourcePath = function (bucket, key = '', resource) {
    if (DOT_SEGMENT.test(bucket) || bucket.includes(path.sep)) throw refuse('bucket', bucket);
    if (DOT_SEGMENT.test(key)) throw refuse('key', key);
    return getResourcePath.call(this, bucket, key, resource);
  };
  store.getBucketPath = function (bucket) {
    if (DOT_SEGMENT.test(bucket) || bucket.includes(path.sep)) throw refuse('bucket', bucket);
    return getBucketPath.call(this, bucket);
  };
}
