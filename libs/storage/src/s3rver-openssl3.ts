import crypto, { BinaryLike, CipherKey } from 'crypto';

let installed = false;

/**
 * allowS3rverContinuationTokens lets s3rver 3.x paginate ListObjectsV2 on Node 17+. s3rver makes
 * its continuation tokens with single DES (`createCipheriv('des', ...)`), which OpenSSL 3 only has
 * in its legacy provider, so every truncated listing (more than 1,000 objects, or MaxKeys) failed
 * with a 500 "digital envelope routines::unsupported". Triple DES with the key repeated three
 * times (K|K|K, encrypt-decrypt-encrypt) is exactly single DES and is in OpenSSL 3's default
 * provider, so 'des' calls are mapped to it. Only the 'des' algorithm is touched; idempotent.
 * (Added by the gateway/janitor helper; the janitor's batched clear depends on it locally.)
 */
export function allowS3rverContinuationTokens(): void {
  if (installed) return;
  installed = true;
  const tripled = (key: CipherKey): CipherKey => {
    const k = Buffer.isBuffer(key) ? key : Buffer.from(key as string);
    return k.length === 8 ? Buffer.concat([k, k, k]) : key;
  };
  const isDes = (algorithm: string) => algorithm.toLowerCase() === 'des';
  const mutable = crypto as unknown as Record<string, unknown>;
  const createCipheriv = crypto.createCipheriv;
  const createDecipheriv = crypto.createDecipheriv;
  mutable.createCipheriv = (
    algorithm: string,
    key: CipherKey,
    iv: BinaryLike | null,
    options?: unknown,
  ) =>
    isDes(algorithm)
      ? createCipheriv('des-ede3-cbc', tripled(key), iv)
      : (createCipheriv as (...args: unknown[]) => unknown)(algorithm, key, iv, options);
  mutable.createDecipheriv = (
    algorithm: string,
    key: CipherKey,
    iv: BinaryLike | null,
    options?: unknown,
  ) =>
    isDes(algorithm)
      ? createDecipheriv('des-ede3-cbc', tripled(key), iv)
      : (createDecipheriv as (...args: unknown[]) => unknown)(algorithm, key, iv, options);
}
