import { mkdir } from 'fs/promises';
import { IncomingMessage, ServerResponse, createServer } from 'http';
import { AddressInfo } from 'net';
import S3rver from 's3rver';
import { allowS3rverContinuationTokens } from './s3rver-openssl3';

/** LocalS3Options says where the local S3 server listens, stores its files and which buckets exist. */
export interface LocalS3Options {
  /** 0 picks a free port. */
  port: number;
  directory: string;
  buckets: string[];
  host?: string;
}

/** LocalS3 is a running local S3 server. */
export interface LocalS3 {
  /** `http://host:port`, the value for S3_ENDPOINT. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * isSignedRequest says whether a request carries an AWS signature (header or presigned query).
 * s3rver checks a signature when there is one but lets anonymous requests through; S3 buckets are
 * private, so the local server refuses those, as S3 would.
 */
export function isSignedRequest(req: IncomingMessage): boolean {
  if (req.headers.authorization) return true;
  const query = new URL(req.url ?? '/', 'http://local').searchParams;
  return query.has('X-Amz-Signature') || query.has('Signature');
}

function accessDenied(res: ServerResponse): void {
  const body =
    '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code>' +
    '<Message>Access Denied: the bucket is private, use a signed or presigned request</Message></Error>';
  res.writeHead(403, {
    'content-type': 'application/xml',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

/**
 * startLocalS3 starts an S3-compatible server (s3rver, silent) that keeps objects as files under
 * `directory` and has `buckets` created. Unsigned requests are refused (private buckets). Used by
 * local mode and by tests.
 */
export async function startLocalS3({
  port,
  directory,
  buckets,
  host = '127.0.0.1',
}: LocalS3Options): Promise<LocalS3> {
  await mkdir(directory, { recursive: true });
  allowS3rverContinuationTokens();
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
  const server = createServer((req, res) =>
    isSignedRequest(req) ? void handle(req, res) : accessDenied(res),
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actualPort = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${actualPort}`,
    port: actualPort,
    close: () =>
      (closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive connections of SDK clients would hold close() open.
        server.closeAllConnections();
      })),
  };
}
