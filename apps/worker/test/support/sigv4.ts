import { createHash, createHmac } from 'crypto';
import { LOCAL_S3_CREDENTIALS } from '@app/storage';

/** rfc3986 encodes like SigV4 wants: encodeURIComponent plus !'()* (unreserved kept as they are). */
function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

/**
 * isPresignedGetValidFor says whether `url`, a SigV4 presigned GET URL (host as the only signed
 * header, unsigned payload), carries a signature that S3 would accept at `url`'s own host, with
 * `secretAccessKey` (s3rver's by default). The local S3 server does not check SigV4 signatures
 * (s3rver 3.x lets any of them through), so tests check them here, following the AWS SigV4 spec.
 */
export function isPresignedGetValidFor(
  url: string | URL,
  secretAccessKey = LOCAL_S3_CREDENTIALS.secretAccessKey,
): boolean {
  const parsed = new URL(url);
  const query = parsed.searchParams;
  if (query.get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256') return false;
  if (query.get('X-Amz-SignedHeaders') !== 'host') return false;
  const amzDate = query.get('X-Amz-Date') ?? '';
  const [, date, region, service, terminator] = (query.get('X-Amz-Credential') ?? '').split('/');
  if (!date || !region || !service || terminator !== 'aws4_request') return false;

  const canonicalQuery = [...query.entries()]
    .filter(([key]) => key !== 'X-Amz-Signature')
    .map(([key, value]) => [rfc3986(key), rfc3986(value)])
    .sort(([a, x], [b, y]) => (a === b ? (x < y ? -1 : 1) : a < b ? -1 : 1))
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
  const canonicalRequest = [
    'GET',
    parsed.pathname,
    canonicalQuery,
    `host:${parsed.host}\n`,
    'host',
    'UNSIGNED-PAYLOAD',
  ].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    amzDate,
    scope,
    createHash('sha256').update(canonicalRequest).digest('hex'),
  ].join('\n');
  const signingKey = [date, region, service, 'aws4_request'].reduce<Buffer | string>(
    (key, part) => hmac(key, part),
    `AWS4${secretAccessKey}`,
  );
  const expected = createHmac('sha256', signingKey).update(stringToSign).digest('hex');
  return expected === query.get('X-Amz-Signature');
}
