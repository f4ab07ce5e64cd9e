import { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';

/** LOCAL_S3_ENDPOINT is where the local S3 server listens when S3_ENDPOINT is not set (local mode). */
export const LOCAL_S3_ENDPOINT = 'http://127.0.0.1:4569';

/**
 * LOCAL_S3_CREDENTIALS are the only keys s3rver accepts (its built-in dummy account); they are not
 * secrets and are never used against AWS.
 */
export const LOCAL_S3_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/** S3ClientSettings is the part of the environment (S3_ENV + CLOUD_ENV) an S3 client needs. */
export interface S3ClientSettings {
  AWS_REGION: string;
  S3_ENDPOINT?: string;
  /** Where browsers reach the S3 server, when not at S3_ENDPOINT (see publicS3ClientConfig). */
  S3_PUBLIC_ENDPOINT?: string;
  /** Missing means local, the default of CLOUD_ENV. */
  CLOUD_PROVIDER?: 'local' | 'aws';
}

/**
 * resolveS3Endpoint returns the S3-compatible endpoint to use, or undefined for real S3: an explicit
 * S3_ENDPOINT always wins; in local mode it defaults to LOCAL_S3_ENDPOINT.
 */
export function resolveS3Endpoint(settings: S3ClientSettings): string | undefined {
  if (settings.S3_ENDPOINT) return settings.S3_ENDPOINT;
  return (settings.CLOUD_PROVIDER ?? 'local') === 'local' ? LOCAL_S3_ENDPOINT : undefined;
}

/**
 * s3ClientConfig builds the S3Client options. With an endpoint (local mode) it uses path-style
 * addressing, s3rver's credentials and checksums only when required: s3rver 3.x rejects the
 * CRC32 checksum headers that the SDK adds by default since 3.729. Without an endpoint it is a
 * plain client (credentials from the default AWS chain).
 */
export function s3ClientConfig(settings: S3ClientSettings): S3ClientConfig {
  const endpoint = resolveS3Endpoint(settings);
  if (!endpoint) return { region: settings.AWS_REGION };
  return {
    region: settings.AWS_REGION,
    endpoint,
    forcePathStyle: true,
    credentials: LOCAL_S3_CREDENTIALS,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  };
}

/**
 * resolvePublicS3Endpoint returns the endpoint browsers reach, which presigned URLs point to:
 * S3_PUBLIC_ENDPOINT when set, otherwise the same as resolveS3Endpoint (undefined for real S3).
 */
export function resolvePublicS3Endpoint(settings: S3ClientSettings): string | undefined {
  return settings.S3_PUBLIC_ENDPOINT || resolveS3Endpoint(settings);
}

/**
 * publicS3ClientConfig builds the options of the client that presigns URLs for browsers when
 * S3_PUBLIC_ENDPOINT is set: the options of s3ClientConfig (region, credentials, path style,
 * checksums) with the public endpoint. Undefined when it is not set: presign with the one client.
 */
export function publicS3ClientConfig(settings: S3ClientSettings): S3ClientConfig | undefined {
  if (!settings.S3_PUBLIC_ENDPOINT) return undefined;
  return { ...s3ClientConfig(settings), endpoint: settings.S3_PUBLIC_ENDPOINT };
}

/** createS3Client builds the one S3Client of a process (call it from a provider factory). */
export function createS3Client(settings: S3ClientSettings): S3Client {
  return new S3Client(s3ClientConfig(settings));
}

/**
 * createPublicS3Client builds the second S3Client of a process whose browsers reach the S3 server
 * at S3_PUBLIC_ENDPOINT (call it from a provider factory; it only presigns, it sends nothing), or
 * undefined when S3_PUBLIC_ENDPOINT is not set.
 */
export function createPublicS3Client(settings: S3ClientSettings): S3Client | undefined {
  const config = publicS3ClientConfig(settings);
  return config && new S3Client(config);
}
