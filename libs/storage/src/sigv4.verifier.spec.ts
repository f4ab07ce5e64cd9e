import { SigV4Request, verifySigV4 } from './sigv4.verifier';

/**
 * The two GET examples of AWS's "Signature Calculations for the Authorization Header" and
 * "Query String Authentication" pages for S3 (AWS's documented example key, not a secret), so
 * that the verifier is checked against AWS's own numbers and not only against the SDK.
 */
const AWS_EXAMPLE = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};
const SIGNED_AT = Date.UTC(2013, 4, 24);
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

const headerSigned: SigV4Request = {
  method: 'GET',
  url: '/test.txt',
  rawHeaders: [
    'Host',
    'examplebucket.s3.amazonaws.com',
    'Authorization',
    'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    'Range',
    'bytes=0-9',
    'x-amz-content-sha256',
    EMPTY_SHA256,
    'x-amz-date',
    '20130524T000000Z',
  ],
};

const presigned: SigV4Request = {
  method: 'GET',
  url:
    '/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request' +
    '&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host' +
    '&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404',
  rawHeaders: ['Host', 'examplebucket.s3.amazonaws.com'],
};

const header = (req: SigV4Request, name: string, value: string): SigV4Request => {
  const rawHeaders = [...req.rawHeaders];
  const i = rawHeaders.findIndex((h, n) => n % 2 === 0 && h.toLowerCase() === name);
  if (i === -1) rawHeaders.push(name, value);
  else rawHeaders[i + 1] = value;
  return { ...req, rawHeaders };
};
const url = (req: SigV4Request, edit: (u: string) => string) => ({ ...req, url: edit(req.url) });
const MINUTE = 60 * 1000;

describe('verifySigV4 with AWS documentation examples', () => {
  it.each<[string, SigV4Request, number]>([
    ['header-signed GET at its own time', headerSigned, SIGNED_AT],
    [
      'header-signed GET 14 minutes later (within the 15-minute skew)',
      headerSigned,
      SIGNED_AT + 14 * MINUTE,
    ],
    ['presigned GET at its own time', presigned, SIGNED_AT],
    ['presigned GET one second before it expires (86,400 s)', presigned, SIGNED_AT + 86399 * 1000],
  ])('should accept the %s', (_name, req, now) => {
    expect(verifySigV4(req, AWS_EXAMPLE, now)).toBeUndefined();
  });

  it.each<[string, SigV4Request, number, number, string]>([
    // The same signature is worthless with another secret: the signing key derives from it.
    [
      'a request checked with another secret',
      headerSigned,
      SIGNED_AT,
      403,
      'SignatureDoesNotMatch',
    ],
    [
      'the header-signed request 16 minutes later',
      headerSigned,
      SIGNED_AT + 16 * MINUTE,
      403,
      'RequestTimeTooSkewed',
    ],
    [
      'the header-signed request 16 minutes early',
      headerSigned,
      SIGNED_AT - 16 * MINUTE,
      403,
      'RequestTimeTooSkewed',
    ],
    [
      'another path',
      url(headerSigned, () => '/other.txt'),
      SIGNED_AT,
      403,
      'SignatureDoesNotMatch',
    ],
    [
      'another Range (a signed header)',
      header(headerSigned, 'range', 'bytes=0-99'),
      SIGNED_AT,
      403,
      'SignatureDoesNotMatch',
    ],
    [
      'another Host (a signed header)',
      header(headerSigned, 'host', 'evil.example'),
      SIGNED_AT,
      403,
      'SignatureDoesNotMatch',
    ],
    [
      'another method',
      { ...headerSigned, method: 'DELETE' },
      SIGNED_AT,
      403,
      'SignatureDoesNotMatch',
    ],
    [
      'an x-amz-* header that is not signed',
      header(headerSigned, 'x-amz-acl', 'public-read'),
      SIGNED_AT,
      403,
      'AccessDenied',
    ],
    [
      'no x-amz-content-sha256',
      {
        ...headerSigned,
        rawHeaders: headerSigned.rawHeaders.slice(0, 6).concat(headerSigned.rawHeaders.slice(8)),
      },
      SIGNED_AT,
      400,
      'InvalidRequest',
    ],
    [
      'the presigned URL after it expired',
      presigned,
      SIGNED_AT + 86401 * 1000,
      403,
      'AccessDenied',
    ],
    [
      'the presigned URL 16 minutes before its X-Amz-Date',
      presigned,
      SIGNED_AT - 16 * MINUTE,
      403,
      'AccessDenied',
    ],
    [
      'the presigned URL with X-Amz-Expires raised',
      url(presigned, (u) => u.replace('Expires=86400', 'Expires=86401')),
      SIGNED_AT,
      403,
      'SignatureDoesNotMatch',
    ],
    [
      'the presigned URL with X-Amz-Expires above 7 days',
      url(presigned, (u) => u.replace('Expires=86400', 'Expires=604801')),
      SIGNED_AT,
      400,
      'AuthorizationQueryParametersError',
    ],
    [
      'the presigned URL with X-Amz-Expires not a number',
      url(presigned, (u) => u.replace('Expires=86400', 'Expires=soon')),
      SIGNED_AT,
      400,
      'AuthorizationQueryParametersError',
    ],
    [
      'the presigned URL with an added parameter',
      url(presigned, (u) => `${u}&response-content-type=text%2Fhtml`),
      SIGNED_AT,
      403,
      'SignatureDoesNotMatch',
    ],
    [
      'the presigned URL for another key',
      url(presigned, (u) => u.replace('/test.txt', '/secret.txt')),
      SIGNED_AT,
      403,
      'SignatureDoesNotMatch',
    ],
    [
      'the presigned URL with X-Amz-Signature=x',
      url(presigned, (u) => u.replace(/Signature=[0-9a-f]+$/, 'Signature=x')),
      SIGNED_AT,
      403,
      'SignatureDoesNotMatch',
    ],
    [
      'the presigned URL with an unknown access key',
      url(presigned, (u) => u.replace('AKIAIOSFODNN7EXAMPLE', 'AKIAOTHER')),
      SIGNED_AT,
      403,
      'InvalidAccessKeyId',
    ],
    [
      'the presigned URL with its date edited',
      url(presigned, (u) => u.replace('Date=20130524T000000Z', 'Date=20130524T000001Z')),
      SIGNED_AT,
      403,
      'SignatureDoesNotMatch',
    ],
    [
      'the presigned URL with a credential date not its own',
      url(presigned, (u) => u.replace('%2F20130524%2F', '%2F20130525%2F')),
      SIGNED_AT,
      400,
      'AuthorizationQueryParametersError',
    ],
    [
      'the presigned URL also carrying an Authorization header',
      header(presigned, 'authorization', 'AWS4-HMAC-SHA256 x'),
      SIGNED_AT,
      400,
      'InvalidArgument',
    ],
    [
      'a bare ?X-Amz-Signature=x (anonymous)',
      { ...presigned, url: '/test.txt?X-Amz-Signature=x' },
      SIGNED_AT,
      403,
      'AccessDenied',
    ],
    [
      'a request with no authentication',
      { ...presigned, url: '/test.txt' },
      SIGNED_AT,
      403,
      'AccessDenied',
    ],
    [
      'a SigV2 Authorization header',
      header(
        { ...presigned, url: '/test.txt' },
        'authorization',
        'AWS AKIAIOSFODNN7EXAMPLE:c2lnbmF0dXJl',
      ),
      SIGNED_AT,
      403,
      'AccessDenied',
    ],
  ])('should refuse %s', (name, req, now, status, code) => {
    const credentials = name.includes('another secret')
      ? { ...AWS_EXAMPLE, secretAccessKey: 'another-secret-of-forty-characters-00000' }
      : AWS_EXAMPLE;
    expect(verifySigV4(req, credentials, now)).toMatchObject({ status, code });
  });
});
