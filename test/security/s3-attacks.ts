/**
 * S3 attack table: forged, edited, replayed and expired S3 requests, each with the answer S3
 * gives it. Built from requests that the real AWS SDK signs (so a case differs from a valid
 * request by exactly the edit it names), sent as raw HTTP. Used by libs/storage's test against
 * the local S3 server; a whole-stack security suite can run the same table against any endpoint.
 */
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { request as httpRequest } from 'http';

/** S3AttackTarget is the bucket under attack and the valid key pair the cases start from. */
export interface S3AttackTarget {
  /** `http://host:port` of the S3 server. */
  endpoint: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** An object the attacker wants to read, overwrite or delete (another user's picture). */
  victimKey: string;
  /** An object the attacker may legitimately reach (their own picture). */
  ownKey: string;
  region?: string;
}

/** RawS3Request is one HTTP request exactly as sent: nothing is re-signed or normalized. */
export interface RawS3Request {
  method: string;
  /** Path and query, already encoded. */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

/** The operations of the product that an attacker would forge. */
export type S3Operation = 'list' | 'get' | 'put' | 'delete' | 'delete-many';

/** S3AttackCase is one row: what is forged, the request, and what S3 answers. */
export interface S3AttackCase {
  name: string;
  operation: S3Operation;
  status: number;
  code: string;
  build(target: S3AttackTarget): Promise<RawS3Request>;
}

/** S3AttackResult is the server's answer to one case. */
export interface S3AttackResult {
  status: number;
  /** The `<Code>` of the XML error body, if any. */
  code: string | undefined;
  body: string;
}

/** FORGED_BODY is what forged PUTs try to write over the victim object. */
export const FORGED_BODY = Buffer.from('forged by an attacker');

const MINUTE_MS = 60 * 1000;

function client(
  target: S3AttackTarget,
  overrides: { accessKeyId?: string; secretAccessKey?: string; clockOffsetMs?: number } = {},
): S3Client {
  return new S3Client({
    region: target.region ?? 'us-east-1',
    endpoint: target.endpoint,
    forcePathStyle: true,
    credentials: {
      accessKeyId: overrides.accessKeyId ?? target.accessKeyId,
      secretAccessKey: overrides.secretAccessKey ?? target.secretAccessKey,
    },
    systemClockOffset: overrides.clockOffsetMs ?? 0,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 1,
  });
}

/** The SDK command of an operation, aimed at `key` (list: objects under `key` as prefix). */
function command(operation: S3Operation, bucket: string, key: string) {
  switch (operation) {
    case 'list':
      return new ListObjectsV2Command({ Bucket: bucket, Prefix: key });
    case 'get':
      return new GetObjectCommand({ Bucket: bucket, Key: key });
    case 'put':
      return new PutObjectCommand({ Bucket: bucket, Key: key, Body: FORGED_BODY });
    case 'delete':
      return new DeleteObjectCommand({ Bucket: bucket, Key: key });
    case 'delete-many':
      return new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: key }] } });
  }
}

/** What the attacker aims at: the victim's object, or (list) every key of the bucket. */
const aim = (operation: S3Operation, target: S3AttackTarget) =>
  operation === 'list' ? '' : target.victimKey;

/** A key the attacker is allowed to touch, for the operation they then edit. */
const decoy = (operation: S3Operation, target: S3AttackTarget) =>
  operation === 'list' ? `${target.ownKey}/` : target.ownKey;

/** Thrown by the capturing middleware so that the SDK stops before sending. */
class Captured extends Error {}

function encodeQueryPart(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * signedBySdk returns the request the AWS SDK would send for `operation` on `key`, signed with
 * the client's credentials and clock, without sending it.
 */
async function signedBySdk(
  s3: S3Client,
  operation: S3Operation,
  bucket: string,
  key: string,
): Promise<RawS3Request> {
  let captured: RawS3Request | undefined;
  s3.middlewareStack.add(
    (_next) => (args) => {
      const req = args.request as {
        method: string;
        path: string;
        query?: Record<string, string | string[] | null>;
        headers: Record<string, string>;
        body?: unknown;
      };
      const query = Object.entries(req.query ?? {})
        .flatMap(([name, value]) =>
          value === null
            ? [encodeQueryPart(name)]
            : (Array.isArray(value) ? value : [value]).map(
                (v) => `${encodeQueryPart(name)}=${encodeQueryPart(v)}`,
              ),
        )
        .join('&');
      const body = req.body;
      captured = {
        method: req.method,
        path: query ? `${req.path}?${query}` : req.path,
        headers: { ...req.headers },
        body:
          body === undefined || body === null
            ? undefined
            : Buffer.from(body as string | Uint8Array),
      };
      return Promise.reject(new Captured('captured'));
    },
    { step: 'finalizeRequest', priority: 'low', name: 'captureSignedRequest' },
  );
  try {
    await s3.send(command(operation, bucket, key) as never);
  } catch (error) {
    if (!(error instanceof Captured)) throw error;
  } finally {
    s3.destroy();
  }
  if (!captured) throw new Error('the SDK sent nothing to capture');
  return captured;
}

/** presignedBySdk returns a presigned request (query signature) for `operation` on `key`. */
async function presignedBySdk(
  target: S3AttackTarget,
  operation: S3Operation,
  key: string,
  options: { expiresIn?: number; signedAgoMs?: number; accessKeyId?: string; secret?: string } = {},
): Promise<RawS3Request> {
  const s3 = client(target, { accessKeyId: options.accessKeyId, secretAccessKey: options.secret });
  try {
    const url = new URL(
      await getSignedUrl(s3, command(operation, target.bucket, key) as never, {
        expiresIn: options.expiresIn ?? 60,
        signingDate: new Date(Date.now() - (options.signedAgoMs ?? 0)),
      }),
    );
    return {
      method: operation === 'put' ? 'PUT' : operation === 'delete' ? 'DELETE' : 'GET',
      path: url.pathname + url.search,
      headers: {},
      body: operation === 'put' ? FORGED_BODY : undefined,
    };
  } finally {
    s3.destroy();
  }
}

/** withPath swaps the path of a request, keeping its query. */
function withPath(req: RawS3Request, from: RawS3Request): RawS3Request {
  const query = req.path.includes('?') ? req.path.slice(req.path.indexOf('?')) : '';
  const path = from.path.split('?')[0];
  return { ...req, path: path + query };
}

/** withQuery edits the query string of a request. */
function withQuery(req: RawS3Request, edit: (query: URLSearchParams) => void): RawS3Request {
  const url = new URL(req.path, 'http://edit');
  edit(url.searchParams);
  // URLSearchParams writes spaces as '+'; SigV4 and S3 want %20.
  return { ...req, path: url.pathname + url.search.replace(/\+/g, '%20') };
}

/** unsigned is the operation's request with its signature headers removed. */
async function unsigned(target: S3AttackTarget, operation: S3Operation): Promise<RawS3Request> {
  const req = await signedBySdk(client(target), operation, target.bucket, aim(operation, target));
  const headers = Object.fromEntries(
    Object.entries(req.headers).filter(
      ([name]) =>
        !/^(authorization|x-amz-date|x-amz-content-sha256|x-amz-security-token)$/i.test(name),
    ),
  );
  return { ...req, headers };
}

const OPERATIONS: S3Operation[] = ['list', 'get', 'put', 'delete', 'delete-many'];
/** Operations that S3 lets a presigned URL do, and the product might presign. */
const PRESIGNABLE: S3Operation[] = ['list', 'get', 'put', 'delete'];

const WRONG_SECRET = 'wrong-secret-of-the-right-length-0000000';

/** pathEdited: signed for the attacker's own key, sent to the victim's (list: its prefix). */
function pathEdited(operation: S3Operation): S3AttackCase {
  return {
    name: `${operation}: header-signed for the attacker's own key, path edited to the victim's`,
    operation,
    status: 403,
    code: 'SignatureDoesNotMatch',
    build: async (t) => {
      const signed = await signedBySdk(client(t), operation, t.bucket, decoy(operation, t));
      // list aims with its prefix (a query parameter), the others with the path.
      return operation === 'list'
        ? withQuery(signed, (q) => q.set('prefix', ''))
        : withPath(signed, await unsigned(t, operation));
    },
  };
}

/** S3_ATTACK_CASES is the whole table: every forgery for every operation it applies to. */
export const S3_ATTACK_CASES: S3AttackCase[] = [
  {
    name: 'put: header-signed, the body swapped for one of the same length',
    operation: 'put',
    status: 400,
    code: 'XAmzContentSHA256Mismatch',
    build: async (t) => {
      const signed = await signedBySdk(client(t), 'put', t.bucket, t.victimKey);
      // Same length: content-length is signed, only the payload hash can tell the bodies apart.
      return { ...signed, body: Buffer.alloc(FORGED_BODY.length, 'Z') };
    },
  },
  {
    // DeleteObjects names its keys in the body: the signature covers them through the payload hash.
    name: "delete-many: header-signed for a harmless key, the body edited to the victim's",
    operation: 'delete-many',
    status: 400,
    code: 'XAmzContentSHA256Mismatch',
    build: async (t) => {
      // A harmless key of the victim's length, so that content-length (signed) still fits.
      const harmless = 'z'.repeat(t.victimKey.length);
      const signed = await signedBySdk(client(t), 'delete-many', t.bucket, harmless);
      const body = signed.body!.toString('utf8').replace(harmless, t.victimKey);
      return { ...signed, body: Buffer.from(body) };
    },
  },
  ...OPERATIONS.flatMap((operation): S3AttackCase[] => [
    {
      name: `${operation}: a lone ?X-Amz-Signature=x`,
      operation,
      status: 403,
      code: 'AccessDenied',
      build: async (t) =>
        withQuery(await unsigned(t, operation), (q) => q.set('X-Amz-Signature', 'x')),
    },
    {
      name: `${operation}: no authentication at all`,
      operation,
      status: 403,
      code: 'AccessDenied',
      build: (t) => unsigned(t, operation),
    },
    {
      name: `${operation}: header-signed with a wrong secret`,
      operation,
      status: 403,
      code: 'SignatureDoesNotMatch',
      build: (t) =>
        signedBySdk(
          client(t, { secretAccessKey: WRONG_SECRET }),
          operation,
          t.bucket,
          aim(operation, t),
        ),
    },
    {
      name: `${operation}: header-signed with an unknown access key`,
      operation,
      status: 403,
      code: 'InvalidAccessKeyId',
      build: (t) =>
        signedBySdk(
          client(t, { accessKeyId: 'AKIAUNKNOWN000000000' }),
          operation,
          t.bucket,
          aim(operation, t),
        ),
    },
    {
      name: `${operation}: header-signed 20 minutes ago (clock skew)`,
      operation,
      status: 403,
      code: 'RequestTimeTooSkewed',
      build: (t) =>
        signedBySdk(
          client(t, { clockOffsetMs: -20 * MINUTE_MS }),
          operation,
          t.bucket,
          aim(operation, t),
        ),
    },
    ...(operation === 'delete-many'
      ? [] // the keys are in the body (the case above), the path is the bucket's either way
      : [pathEdited(operation)]),
    {
      name: `${operation}: header-signed, a query parameter edited`,
      operation,
      status: 403,
      code: 'SignatureDoesNotMatch',
      build: async (t) =>
        withQuery(await signedBySdk(client(t), operation, t.bucket, aim(operation, t)), (q) =>
          q.set('response-content-type', 'text/html'),
        ),
    },
    {
      name: `${operation}: header-signed, the signature replaced by zeros`,
      operation,
      status: 403,
      code: 'SignatureDoesNotMatch',
      build: async (t) => {
        const req = await signedBySdk(client(t), operation, t.bucket, aim(operation, t));
        const authorization = req.headers.authorization.replace(
          /Signature=[0-9a-f]+/,
          `Signature=${'0'.repeat(64)}`,
        );
        return { ...req, headers: { ...req.headers, authorization } };
      },
    },
  ]),
  ...PRESIGNABLE.flatMap((operation): S3AttackCase[] => [
    {
      name: `${operation}: presigned for the attacker's own key, swapped for the victim's`,
      operation,
      status: 403,
      code: 'SignatureDoesNotMatch',
      build: async (t) => {
        const own = await presignedBySdk(t, operation, decoy(operation, t));
        if (operation === 'list') return withQuery(own, (q) => q.set('prefix', ''));
        return withPath(own, await presignedBySdk(t, operation, aim(operation, t)));
      },
    },
    {
      name: `${operation}: presigned 10 minutes ago for 60 s, X-Amz-Expires raised to a day`,
      operation,
      status: 403,
      code: 'SignatureDoesNotMatch',
      build: async (t) =>
        withQuery(
          await presignedBySdk(t, operation, aim(operation, t), { signedAgoMs: 10 * MINUTE_MS }),
          (q) => q.set('X-Amz-Expires', String(24 * 3600)),
        ),
    },
    {
      name: `${operation}: presigned 10 minutes ago for 60 s (expired)`,
      operation,
      status: 403,
      code: 'AccessDenied',
      build: (t) =>
        presignedBySdk(t, operation, aim(operation, t), { signedAgoMs: 10 * MINUTE_MS }),
    },
    {
      name: `${operation}: presigned with a wrong secret`,
      operation,
      status: 403,
      code: 'SignatureDoesNotMatch',
      build: (t) => presignedBySdk(t, operation, aim(operation, t), { secret: WRONG_SECRET }),
    },
    {
      name: `${operation}: presigned with an unknown access key`,
      operation,
      status: 403,
      code: 'InvalidAccessKeyId',
      build: (t) =>
        presignedBySdk(t, operation, aim(operation, t), { accessKeyId: 'AKIAUNKNOWN000000000' }),
    },
    {
      name: `${operation}: presigned, X-Amz-Signature=x`,
      operation,
      status: 403,
      code: 'SignatureDoesNotMatch',
      build: async (t) =>
        withQuery(await presignedBySdk(t, operation, aim(operation, t)), (q) =>
          q.set('X-Amz-Signature', 'x'),
        ),
    },
    {
      name: `${operation}: presigned, X-Amz-Expires beyond S3's 7 days`,
      operation,
      status: 400,
      code: 'AuthorizationQueryParametersError',
      build: async (t) =>
        withQuery(await presignedBySdk(t, operation, aim(operation, t)), (q) =>
          q.set('X-Amz-Expires', String(7 * 24 * 3600 + 1)),
        ),
    },
  ]),
];

/** sendRawS3Request sends a request exactly as built, to `endpoint`, and reads the answer. */
export function sendRawS3Request(endpoint: string, req: RawS3Request): Promise<S3AttackResult> {
  const url = new URL(endpoint);
  const headers = { ...req.headers };
  // The SDK's host header is the endpoint's; a request without one gets the endpoint's too.
  headers.host ??= url.host;
  if (req.body) headers['content-length'] = String(req.body.length);
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method: req.method,
        path: req.path,
        headers,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            code: /<Code>([^<]+)<\/Code>/.exec(body)?.[1],
            body,
          });
        });
        res.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(req.body);
  });
}

/** runS3Attack builds one case against `target` and sends it. */
export async function runS3Attack(
  attack: S3AttackCase,
  target: S3AttackTarget,
): Promise<S3AttackResult> {
  return sendRawS3Request(target.endpoint, await attack.build(target));
}
