import {
  LOCAL_S3_ENDPOINT,
  createPublicS3Client,
  publicS3ClientConfig,
  resolvePublicS3Endpoint,
  resolveS3Endpoint,
  s3ClientConfig,
} from './s3.client';

describe('s3ClientConfig', () => {
  it('should use the local S3 server by default in local mode, with no built-in key pair', () => {
    expect(resolveS3Endpoint({ AWS_REGION: 'us-east-1' })).toBe(LOCAL_S3_ENDPOINT);
    expect(s3ClientConfig({ AWS_REGION: 'us-east-1', CLOUD_PROVIDER: 'local' })).toEqual({
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:4569',
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  });

  it('should sign with S3_ACCESS_KEY_ID / S3_SECRET_ACCESS_KEY when both are set', () => {
    const keys = { S3_ACCESS_KEY_ID: 'EBBKEY', S3_SECRET_ACCESS_KEY: 'generated-secret' };
    expect(s3ClientConfig({ AWS_REGION: 'us-east-1', ...keys }).credentials).toEqual({
      accessKeyId: 'EBBKEY',
      secretAccessKey: 'generated-secret',
    });
    // Only one of the two is not a key pair: the SDK's default chain then, as without both.
    expect(
      s3ClientConfig({ AWS_REGION: 'us-east-1', S3_ACCESS_KEY_ID: 'EBBKEY' }),
    ).not.toHaveProperty('credentials');
    // Never sent to AWS: real S3 takes the default chain (roles, AWS_* variables).
    expect(
      s3ClientConfig({ AWS_REGION: 'eu-west-1', CLOUD_PROVIDER: 'aws', ...keys }),
    ).not.toHaveProperty('credentials');
  });

  it('should use S3_ENDPOINT when it is set, in any mode', () => {
    const config = s3ClientConfig({
      AWS_REGION: 'eu-west-1',
      CLOUD_PROVIDER: 'aws',
      S3_ENDPOINT: 'http://127.0.0.1:9000',
    });
    expect(config).toMatchObject({ endpoint: 'http://127.0.0.1:9000', forcePathStyle: true });
  });

  it('should be a plain client (default credentials chain, virtual hosts) on AWS', () => {
    expect(s3ClientConfig({ AWS_REGION: 'eu-west-1', CLOUD_PROVIDER: 'aws' })).toEqual({
      region: 'eu-west-1',
    });
  });
});

describe('publicS3ClientConfig', () => {
  it('should be undefined without S3_PUBLIC_ENDPOINT (presign with the one client)', () => {
    expect(publicS3ClientConfig({ AWS_REGION: 'us-east-1' })).toBeUndefined();
    expect(createPublicS3Client({ AWS_REGION: 'us-east-1' })).toBeUndefined();
    expect(resolvePublicS3Endpoint({ AWS_REGION: 'us-east-1' })).toBe(LOCAL_S3_ENDPOINT);
    expect(resolvePublicS3Endpoint({ AWS_REGION: 'eu-west-1', CLOUD_PROVIDER: 'aws' })).toBe(
      undefined,
    );
  });

  it('should keep every setting of the internal client but the endpoint', () => {
    const settings = {
      AWS_REGION: 'eu-west-1',
      S3_ENDPOINT: 'http://s3:4569',
      S3_PUBLIC_ENDPOINT: 'http://localhost:4569',
    };
    expect(resolvePublicS3Endpoint(settings)).toBe('http://localhost:4569');
    expect(publicS3ClientConfig(settings)).toEqual({
      ...s3ClientConfig(settings),
      endpoint: 'http://localhost:4569',
    });
    expect(s3ClientConfig(settings)).toMatchObject({ endpoint: 'http://s3:4569' });
  });
});
