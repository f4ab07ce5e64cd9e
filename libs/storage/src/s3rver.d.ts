/** Minimal typings for s3rver 3.x (the package ships none); only what libs/storage uses. */
declare module 's3rver' {
  import type { IncomingMessage, ServerResponse } from 'http';
  import type { AddressInfo } from 'net';

  interface S3rverOptions {
    address?: string;
    port?: number;
    directory?: string;
    silent?: boolean;
    resetOnClose?: boolean;
    allowMismatchedSignatures?: boolean;
    vhostBuckets?: boolean;
    configureBuckets?: { name: string; configs?: (string | Buffer)[] }[];
  }

  class S3rver {
    constructor(options?: S3rverOptions);
    run(): Promise<AddressInfo>;
    close(): Promise<void>;
    /** Creates the `configureBuckets` buckets without starting a server. */
    configureBuckets(): Promise<void>;
    /** The Koa request handler, for an own http.Server. */
    callback(): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  }

  export = S3rver;
}
