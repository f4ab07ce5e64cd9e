/** WORKER_CONFIG is the DI token of the WorkerConfig object passed to WorkerModule.forRoot. */
export const WORKER_CONFIG = Symbol('WORKER_CONFIG');

/**
 * PRESIGN_S3_CLIENT is the DI token of the S3Client that presigns the URLs handed to browsers: a
 * second client for S3_PUBLIC_ENDPOINT when that is set, otherwise the worker's one S3Client.
 */
export const PRESIGN_S3_CLIENT = Symbol('PRESIGN_S3_CLIENT');
