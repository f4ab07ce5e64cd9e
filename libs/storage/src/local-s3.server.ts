import { createHash, randomBytes } from 'crypto';
import { mkdir } from 'fs/promises';
import { IncomingMessage, ServerResponse, createServer } from 'http';
import { AddressInfo } from 'net';
import { Readable } from 'stream';
import S3rver from 's3rver';
import { confineS3rverKeys } from './s3rver-keys';
import { allowS3rverContinuationTokens } from './s3rver-openssl3';
import { S3Credentials, SigV4Failure, s3ErrorXml, verifySigV4 } from './sigv4.verifier';

/** LocalS3Options says where the local S3 server listens, stores its files and which buckets exist. */
export interface LocalS3Options {
  /** 0 picks a free port. */
  port: number;
  directory: string;
  buckets: string[];
  host?: string;
  /** The one key pair the server accepts; generated (see generateS3Credentials) when not given. */
  credentials?: S3Credentials;
}

/** LocalS3 is a running local S3 server. */
export interface LocalS3 {
  /** `http://host:port`, the value for S3_ENDPOINT. */
  url: string;
  port: number;
  /** The key pair it accepts. */
  credentials: S3Credentials;
  /** S3_ENDPOINT, S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY for a process or client using it. */
  env: { S3_ENDPOINT: string; S3_ACCESS_KEY_ID: string; S3_SECRET_ACCESS_KEY: string };
  close(): Promise<void>;
}

/**
 * generateS3Credentials makes a fresh random key pair for a local S3 server (an access key id in
 * AWS's 20-character style, a 40-character secret). Never a constant: each installation or test
 * gets its own.
 */
export function generateS3Credentials(): S3Credentials {
  return {
    accessKeyId: 'EBB' + randomBytes(12).toString('hex').toUpperCase().slice(0, 17),
    secretAccessKey: randomBytes(30).toString('base64url'),
  };
}

/** s3rver's own account registry (it knows only its dummy key pair unless told). */
interface S3rverAccount {
  createKeyPair(accessKeyId: string, secretAccessKey: string): void;
}

/**
 * registerWithS3rver adds the key pair to s3rver's account, because s3rver still parses the
 * signature after the verifier and refuses an access key it does not know. s3rver itself does not
 * check SigV4 signatures (its V4 branch accepts any), which is why the verifier sits in front.
 */
function registerWithS3rver({ accessKeyId, secretAccessKey }: S3Credentials): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const account = require('s3rver/lib/models/account') as { DUMMY_ACCOUNT: S3rverAccount };
  account.DUMMY_ACCOUNT.createKeyPair(accessKeyId, secretAccessKey);
}

/** hasBody says whether a request has a body to read (HTTP/1.1: a length or chunked framing). */
function hasBody(req: IncomingMessage): boolean {
  return (
    Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined
  );
}

function refuse(req: IncomingMessage, res: ServerResponse, failure: SigV4Failure): void {
  const body = s3ErrorXml(failure, randomBytes(8).toString('hex').toUpperCase());
  res.writeHead(failure.status, {
    'content-type': 'application/xml',
    'content-length': Buffer.byteLength(body),
  });
  // Unread request bodies (a refused PUT) are drained by Node; HEAD answers carry no body.
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** MAX_VERIFIED_BODY_BYTES bounds a body held in memory to check its hash (above UPLOAD_MAX_BYTES' 100 MiB). */
export const MAX_VERIFIED_BODY_BYTES = 128 * 1024 * 1024;

const EMPTY_SHA256 = createHash('sha256').digest('hex');

const TOO_LARGE: SigV4Failure = {
  status: 400,
  code: 'EntityTooLarge',
  message: `The local S3 server checks signed bodies of up to ${MAX_VERIFIED_BODY_BYTES} bytes`,
};

const CONTENT_SHA256_MISMATCH: SigV4Failure = {
  status: 400,
  code: 'XAmzContentSHA256Mismatch',
  message: "The provided 'x-amz-content-sha256' header does not match what was computed.",
};

/**
 * verifiedBody reads the whole body of a request whose signed x-amz-content-sha256 is `declared`
 * and resolves to a stand-in request carrying that body once its hash matches, or the failure
 * (XAmzContentSHA256Mismatch, EntityTooLarge). The check must come before s3rver sees a byte: s3rver writes a
 * PUT straight over the existing file, so a body swapped under a captured signature would
 * already have replaced the object by the time a streaming check failed.
 */
function verifiedBody(
  req: IncomingMessage,
  declared: string,
): Promise<IncomingMessage | SigV4Failure> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_VERIFIED_BODY_BYTES) {
        req.removeAllListeners('data');
        req.resume();
        return resolve(TOO_LARGE);
      }
      hash.update(chunk);
      chunks.push(chunk);
    });
    req.on('error', reject);
    req.on('end', () => {
      if (size > MAX_VERIFIED_BODY_BYTES || hash.digest('hex') !== declared)
        return resolve(CONTENT_SHA256_MISMATCH);
      resolve(replayRequest(req, Buffer.concat(chunks)));
    });
  });
}

/**
 * replayRequest is a readable copy of `req` whose body is `body`: what s3rver (Koa) reads of a
 * request (method, url, headers, socket) with the body already read and checked.
 */
function replayRequest(req: IncomingMessage, body: Buffer): IncomingMessage {
  const replay = Readable.from(body.length ? [body] : []) as unknown as IncomingMessage;
  return Object.assign(replay, {
    method: req.method,
    url: req.url,
    headers: req.headers,
    rawHeaders: req.rawHeaders,
    httpVersion: req.httpVersion,
    httpVersionMajor: req.httpVersionMajor,
    httpVersionMinor: req.httpVersionMinor,
    socket: req.socket,
    connection: req.socket,
    complete: true,
  });
}

/**
 * startLocalS3 starts an S3-compatible server (s3rver, silent) that keeps objects as files under
 * `directory` and has `buckets` created. Every request must carry a valid AWS Signature Version 4
 * of `credentials`, checked by verifySigV4 before s3rver sees it (CORS preflights, which S3 answers
 * without credentials, excepted), and a body that matches its signed x-amz-content-sha256.
 * Used by local mode and by tests.
 */
export async function startLocalS3({
  port,
  directory,
  buckets,
  host = '127.0.0.1',
  credentials = generateS3Credentials(),
}: LocalS3Options): Promise<LocalS3> {
  await mkdir(directory, { recursive: true });
  allowS3rverContinuationTokens();
  confineS3rverKeys();
  registerWithS3rver(credentials);
  const s3rver = new S3rver({
    directory,
    silent: true,
    // Path-style only: with vhost buckets s3rver reads any host name that is not an IP or
    // "localhost" (e.g. a worker's DNS name) as a bucket name.
    vhostBuckets: false,
    configureBuckets: buckets.map((name) => ({ name })),
  });
  await s3rver.configureBuckets();
  const handle = s3rver.callback();
  const server = createServer((req, res) => {
    // CORS preflights carry no credentials, in S3 too; s3rver answers them from the bucket's CORS.
    if (req.method === 'OPTIONS') return void handle(req, res);
    const failure = verifySigV4(
      { method: req.method ?? 'GET', url: req.url ?? '/', rawHeaders: req.rawHeaders },
      credentials,
      Date.now(),
    );
    if (failure) return refuse(req, res, failure);
    const declared = req.headers['x-amz-content-sha256'];
    if (typeof declared === 'string' && declared.startsWith('STREAMING-')) {
      // aws-chunked bodies: s3rver would store the chunk framing as the object's bytes.
      return refuse(req, res, {
        status: 501,
        code: 'NotImplemented',
        message: `x-amz-content-sha256 ${declared} (aws-chunked uploads) is not implemented by the local S3 server`,
      });
    }
    if (typeof declared !== 'string' || !/^[0-9a-f]{64}$/.test(declared)) {
      return void handle(req, res); // UNSIGNED-PAYLOAD (presigned, or the SDK streaming a body)
    }
    if (!hasBody(req)) {
      return declared === EMPTY_SHA256
        ? void handle(req, res)
        : refuse(req, res, CONTENT_SHA256_MISMATCH);
    }
    void verifiedBody(req, declared).then(
      (checked) =>
        checked instanceof Readable ? void handle(checked, res) : refuse(req, res, checked),
      () => res.destroy(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actualPort = (server.address() as AddressInfo).port;
  const url = `http://${host}:${actualPort}`;
  let closing: Promise<void> | undefined;
  return {
    url,
    port: actualPort,
    credentials,
    env: {
      S3_ENDPOINT: url,
      S3_ACCESS_KEY_ID: credentials.accessKeyId,
      S3_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    },
    close: () =>
      (closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive connections of SDK clients would hold close() open.
        server.closeAllConnections();
      })),
  };
}
