export * from './s3.client';
export * from './bucket';
export * from './local-s3.server';
export * from './s3rver-openssl3';
export * from './sigv4.verifier';
