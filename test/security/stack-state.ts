import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'crypto';
import type { Connection } from 'mysql2/promise';

/** StackStateSources are the handles a snapshot reads through (all with valid credentials). */
export interface StackStateSources {
  db: Connection;
  s3: S3Client;
  bucket: string;
  /** GET on the manager's API as admin. */
  managerGet<T>(path: string): Promise<T>;
  /** The balancer's target list, read with the admin token. */
  balancerTargets(): Promise<{ id: string; address: string }[]>;
}

/** StackState is everything an attack could change: rows, objects, policy, pool, targets. */
export interface StackState {
  users: { count: number; hash: string };
  images: { count: number; hash: string };
  objects: string[];
  policy: unknown;
  pool: { desired: number; workers: string[] };
  targets: string[];
}

const hash = (rows: unknown): string =>
  createHash('sha256').update(JSON.stringify(rows)).digest('hex');

/** tableState is a table's row count and a hash of every row's content, in key order. */
async function tableState(db: Connection, table: string, key: string) {
  const [rows] = await db.query(`SELECT * FROM ${table} ORDER BY ${key}`);
  const list = rows as unknown[];
  return { count: list.length, hash: hash(list) };
}

/** listObjects lists every key of the bucket with its ETag (all pages). */
async function listObjects(s3: S3Client, bucket: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }),
    );
    for (const o of page.Contents ?? []) keys.push(`${o.Key} ${o.ETag}`);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys.sort();
}

/**
 * stackState reads the state an attack must leave alone: `users` and `images` (count and a
 * content hash), the bucket's keys with ETags, the stored scaling policy, the pool (desired size
 * and worker ids; not their health, which moves by itself) and the balancer's targets (id and
 * address: where the app's traffic goes).
 */
export async function stackState(sources: StackStateSources): Promise<StackState> {
  const workers = await sources.managerGet<{ desired: number; workers: { id: string }[] }>(
    '/api/workers',
  );
  return {
    users: await tableState(sources.db, 'users', 'userid'),
    images: await tableState(sources.db, 'images', 'namebase'),
    objects: await listObjects(sources.s3, sources.bucket),
    policy: await sources.managerGet('/api/policy'),
    pool: { desired: workers.desired, workers: workers.workers.map((w) => w.id).sort() },
    targets: (await sources.balancerTargets()).map((t) => `${t.id} ${t.address}`).sort(),
  };
}
