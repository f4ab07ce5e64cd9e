import { LOCAL_S3_ENDPOINT, resolveS3Endpoint, s3ClientConfig } from './s3.client';

describe('s3ClientConfig', () => {
  it('should use the local S3 server by default in local mode', () => {
    expect(resolveS3Endpoint({ AWS_REGION: 'us-east-1' })).toBe(LOCAL_S3_ENDPOINT);
    expect(s3ClientConfig({ AWS_REGION: 'us-east-1', CLOUD_PROVIDER: 'local' })).toEqual({
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:4569',
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
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
