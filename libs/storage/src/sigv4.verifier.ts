import { createHash, createHmac, timingSafeEqual } from 'crypto';

/** S3Credentials is one access key pair. */
export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** SigV4Request is what the verifier reads of an HTTP request, exactly as it arrived. */
export interface SigV4Request {
  method: string;
  /** The request target as sent: path and raw query (`/bucket/key?list-type=2`). */
  url: string;
  /** Header name/value pairs in arrival order, as Node's `rawHeaders` gives them. */
  rawHeaders: string[];
}

/** SigV4Failure is S3's answer to a request it does not accept: status, error code and message. */
export interface SigV4Failure {
  status: number;
  code: string;
  message: string;
}

/** MAX_PRESIGN_EXPIRES_S is S3's limit for X-Amz-Expires: seven days. */
export const MAX_PRESIGN_EXPIRES_S = 7 * 24 * 3600;

/** MAX_CLOCK_SKEW_MS is how far X-Amz-Date of a header-signed request may be from now (S3: 15 minutes). */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

const ALGORITHM = 'AWS4-HMAC-SHA256';
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
const PAYLOAD_HASH = /^(UNSIGNED-PAYLOAD|STREAMING-[A-Z0-9-]+|[0-9a-f]{64})$/;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

const fail = (status: number, code: string, message: string): SigV4Failure => ({
  status,
  code,
  message,
});

const accessDenied = (message = 'Access Denied') => fail(403, 'AccessDenied', message);

/** rfc3986 encodes like SigV4 wants: encodeURIComponent plus !'()* (unreserved characters kept). */
function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function sha256Hex(data: string): string {
  return createHash('sha256').update(data, 'utf8').digest('hex');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

function parseAmzDate(value: string | undefined): number | undefined {
  const m = AMZ_DATE.exec(value ?? '');
  if (!m) return undefined;
  const time = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  return Number.isNaN(time) ? undefined : time;
}

/** Query parameters as decoded [name, value] pairs, in order; undefined when one does not decode. */
function parseQuery(raw: string): [string, string][] | undefined {
  if (!raw) return [];
  try {
    return raw
      .split('&')
      .filter((part) => part !== '')
      .map((part) => {
        const eq = part.indexOf('=');
        const name = eq === -1 ? part : part.slice(0, eq);
        const value = eq === -1 ? '' : part.slice(eq + 1);
        return [decodeURIComponent(name), decodeURIComponent(value)];
      });
  } catch {
    return undefined;
  }
}

/** Headers by lowercase name; repeated headers joined with ',' as SigV4 canonicalizes them. */
function headerMap(rawHeaders: string[]): Map<string, string> {
  const headers = new Map<string, string>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i].toLowerCase();
    const value = rawHeaders[i + 1].trim().replace(/\s+/g, ' ');
    const previous = headers.get(name);
    headers.set(name, previous === undefined ? value : `${previous},${value}`);
  }
  return headers;
}

/** canonicalUri re-encodes each path segment as S3 signs it (S3 does not double-encode). */
function canonicalUri(path: string): string | undefined {
  try {
    return path
      .split('/')
      .map((segment) => rfc3986(decodeURIComponent(segment)))
      .join('/');
  } catch {
    return undefined;
  }
}

function canonicalQuery(params: [string, string][]): string {
  return params
    .filter(([name]) => name !== 'X-Amz-Signature')
    .map(([name, value]) => [rfc3986(name), rfc3986(value)])
    .sort(([a, x], [b, y]) => (a === b ? (x < y ? -1 : x > y ? 1 : 0) : a < b ? -1 : 1))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

/** signingKey derives the SigV4 key of `secret` for one day, region and service. */
function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  return [date, region, service, 'aws4_request'].reduce<Buffer | string>(
    (key, part) => hmac(key, part),
    `AWS4${secret}`,
  ) as Buffer;
}

/** sameSignature compares two hex signatures in constant time (for equal lengths). */
function sameSignature(expected: string, provided: string): boolean {
  if (!/^[0-9a-f]{64}$/.test(provided)) return false;
  return timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(provided, 'hex'));
}

interface Authorization {
  presigned: boolean;
  credential: string;
  signedHeaders: string;
  signature: string;
  amzDate: string | undefined;
  payloadHash: string | undefined;
  expires?: string;
}

/** The signature's parts from the Authorization header or the presigned query, or a failure. */
function readAuthorization(
  headers: Map<string, string>,
  query: [string, string][],
): Authorization | SigV4Failure {
  const param = (name: string) => query.find(([n]) => n === name)?.[1];
  const header = headers.get('authorization');
  const algorithmParam = param('X-Amz-Algorithm');
  if (header !== undefined && algorithmParam !== undefined) {
    return fail(
      400,
      'InvalidArgument',
      'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or the Authorization header should be specified',
    );
  }
  if (header !== undefined) {
    const space = header.indexOf(' ');
    const scheme = space === -1 ? header : header.slice(0, space);
    if (scheme !== ALGORITHM) {
      return accessDenied(`Only ${ALGORITHM} (Signature Version 4) requests are accepted`);
    }
    const parts = new Map(
      header
        .slice(space + 1)
        .split(',')
        .map((part) => {
          const [name, ...value] = part.trim().split('=');
          return [name, value.join('=')] as const;
        }),
    );
    const credential = parts.get('Credential');
    const signedHeaders = parts.get('SignedHeaders');
    const signature = parts.get('Signature');
    if (!credential || !signedHeaders || !signature) {
      return fail(
        400,
        'AuthorizationHeaderMalformed',
        'The authorization header is malformed; it requires Credential, SignedHeaders and Signature',
      );
    }
    return {
      presigned: false,
      credential,
      signedHeaders,
      signature,
      amzDate: headers.get('x-amz-date'),
      payloadHash: headers.get('x-amz-content-sha256'),
    };
  }
  if (algorithmParam === undefined) {
    // No SigV4 at all (nothing, a lone X-Amz-Signature, or a SigV2 Signature): anonymous.
    return accessDenied();
  }
  if (algorithmParam !== ALGORITHM) {
    return fail(
      400,
      'AuthorizationQueryParametersError',
      `X-Amz-Algorithm only supports "${ALGORITHM}"`,
    );
  }
  const credential = param('X-Amz-Credential');
  const signedHeaders = param('X-Amz-SignedHeaders');
  const signature = param('X-Amz-Signature');
  const expires = param('X-Amz-Expires');
  const amzDate = param('X-Amz-Date');
  if (!credential || !signedHeaders || !signature || !expires || !amzDate) {
    return fail(
      400,
      'AuthorizationQueryParametersError',
      'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
    );
  }
  return {
    presigned: true,
    credential,
    signedHeaders,
    signature,
    amzDate,
    payloadHash: param('X-Amz-Content-Sha256') ?? UNSIGNED_PAYLOAD,
    expires,
  };
}

/**
 * verifySigV4 checks a request's AWS Signature Version 4 as S3 does, header-signed
 * (`Authorization: AWS4-HMAC-SHA256 …`) or presigned (`X-Amz-*` query), against the one key pair
 * `credentials`, at time `now`. It returns undefined when the request is authentic, else the
 * failure S3 would answer: 403 AccessDenied (anonymous, expired, unsigned x-amz-* headers),
 * InvalidAccessKeyId, SignatureDoesNotMatch, RequestTimeTooSkewed, or a 400 for a malformed
 * signature. The payload hash is the one the request declares (x-amz-content-sha256, signed);
 * the body itself is not hashed here.
 */
export function verifySigV4(
  request: SigV4Request,
  credentials: S3Credentials,
  now: number,
): SigV4Failure | undefined {
  const target = request.url || '/';
  const q = target.indexOf('?');
  const path = q === -1 ? target : target.slice(0, q);
  const query = parseQuery(q === -1 ? '' : target.slice(q + 1));
  if (!query) return fail(400, 'InvalidArgument', 'The query string is not URL-encoded properly');
  const headers = headerMap(request.rawHeaders);

  const auth = readAuthorization(headers, query);
  if ('status' in auth) return auth;

  const [accessKeyId, date, region, service, terminator, ...extra] = auth.credential.split('/');
  const malformedCode = auth.presigned
    ? 'AuthorizationQueryParametersError'
    : 'AuthorizationHeaderMalformed';
  if (!date || !region || !service || terminator !== 'aws4_request' || extra.length) {
    return fail(
      400,
      malformedCode,
      'The credential is malformed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request"',
    );
  }
  if (accessKeyId !== credentials.accessKeyId) {
    return fail(
      403,
      'InvalidAccessKeyId',
      'The AWS Access Key Id you provided does not exist in our records.',
    );
  }
  if (service !== 's3') {
    return fail(400, malformedCode, `The credential's service must be "s3", not "${service}"`);
  }

  const requestTime = parseAmzDate(auth.amzDate);
  if (requestTime === undefined) {
    return auth.presigned
      ? fail(
          400,
          'AuthorizationQueryParametersError',
          "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"",
        )
      : accessDenied('AWS authentication requires a valid x-amz-date header');
  }
  if (auth.amzDate?.slice(0, 8) !== date) {
    return fail(400, malformedCode, `The credential's date ${date} is not the request's date`);
  }
  if (auth.presigned) {
    if (!/^\d+$/.test(auth.expires ?? '') || Number(auth.expires) < 1) {
      return fail(
        400,
        'AuthorizationQueryParametersError',
        'X-Amz-Expires must be a whole number of seconds of at least 1',
      );
    }
    if (Number(auth.expires) > MAX_PRESIGN_EXPIRES_S) {
      return fail(
        400,
        'AuthorizationQueryParametersError',
        'X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds',
      );
    }
    if (requestTime - now > MAX_CLOCK_SKEW_MS) return accessDenied('Request is not valid yet');
    if (now > requestTime + Number(auth.expires) * 1000) return accessDenied('Request has expired');
  } else if (Math.abs(now - requestTime) > MAX_CLOCK_SKEW_MS) {
    return fail(
      403,
      'RequestTimeTooSkewed',
      'The difference between the request time and the current time is too large.',
    );
  }

  const payloadHash = auth.payloadHash;
  if (payloadHash === undefined) {
    return fail(
      400,
      'InvalidRequest',
      'Missing required header for this request: x-amz-content-sha256',
    );
  }
  if (!PAYLOAD_HASH.test(payloadHash)) {
    return fail(
      400,
      'InvalidArgument',
      'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, or a valid sha256 value.',
    );
  }

  const signed = auth.signedHeaders.split(';');
  if (!signed.includes('host') || signed.some((name) => name !== name.toLowerCase())) {
    return accessDenied('SignedHeaders must be lowercase and include host');
  }
  // S3 refuses x-amz-* headers that the signature does not cover: they change what a request does.
  const unsigned = [...headers.keys()].filter(
    (name) => name.startsWith('x-amz-') && !signed.includes(name),
  );
  if (unsigned.length) {
    return accessDenied(
      `There were headers present in the request which were not signed: ${unsigned.join(', ')}`,
    );
  }
  if (signed.some((name) => !headers.has(name))) {
    return fail(403, 'SignatureDoesNotMatch', 'A signed header is missing from the request');
  }

  const uri = canonicalUri(path);
  if (uri === undefined) return fail(400, 'InvalidURI', 'Could not parse the specified URI.');
  const canonicalRequest = [
    request.method.toUpperCase(),
    uri,
    canonicalQuery(query),
    signed.map((name) => `${name}:${headers.get(name)}\n`).join(''),
    auth.signedHeaders,
    payloadHash,
  ].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = [ALGORITHM, auth.amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const expected = createHmac(
    'sha256',
    signingKey(credentials.secretAccessKey, date, region, service),
  )
    .update(stringToSign, 'utf8')
    .digest('hex');
  if (!sameSignature(expected, auth.signature)) {
    return fail(
      403,
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    );
  }
  return undefined;
}

/** s3ErrorXml renders a failure as S3's XML error body. */
export function s3ErrorXml(failure: SigV4Failure, requestId: string): string {
  const escape = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${failure.code}</Code><Message>${escape(failure.message)}</Message>` +
    `<RequestId>${requestId}</RequestId></Error>`
  );
}
