import {
  CopyObjectCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { FORGED_BODY, S3AttackTarget } from './s3-attacks';

/**
 * S3KeyAttack is a request signed with the valid key pair (a holder of the keys, e.g. a
 * compromised worker) whose key has `.` or `..` segments: on the local S3 server those would be
 * file paths out of the bucket or onto another object. Expected: 400 InvalidArgument.
 */
export interface S3KeyAttack {
  name: string;
  send(client: S3Client, target: S3AttackTarget): Promise<unknown>;
}

/** Keys that leave the bucket's folder, or name the victim's object another way. */
const KEYS: { name: string; key: (t: S3AttackTarget) => string }[] = [
  { name: 'out of the S3 directory', key: () => '../../ebbflow-escape.txt' },
  { name: "the victim's object through x/../", key: (t) => `x/../${t.victimKey}` },
  { name: "the victim's object through ./", key: (t) => `./${t.victimKey}` },
];

/** S3_KEY_ATTACKS are every operation on every key above. */
export const S3_KEY_ATTACKS: S3KeyAttack[] = KEYS.flatMap(({ name, key }): S3KeyAttack[] => [
  {
    name: `put, validly signed, key ${name}`,
    send: (c, t) =>
      c.send(new PutObjectCommand({ Bucket: t.bucket, Key: key(t), Body: FORGED_BODY })),
  },
  {
    name: `get, validly signed, key ${name}`,
    send: (c, t) => c.send(new GetObjectCommand({ Bucket: t.bucket, Key: key(t) })),
  },
  {
    name: `delete, validly signed, key ${name}`,
    send: (c, t) => c.send(new DeleteObjectCommand({ Bucket: t.bucket, Key: key(t) })),
  },
  {
    name: `delete-many, validly signed, key ${name}`,
    send: (c, t) =>
      c.send(
        new DeleteObjectsCommand({ Bucket: t.bucket, Delete: { Objects: [{ Key: key(t) }] } }),
      ),
  },
  {
    name: `copy over the own object, validly signed, source key ${name}`,
    send: (c, t) =>
      c.send(
        new CopyObjectCommand({
          Bucket: t.bucket,
          Key: t.ownKey,
          CopySource: `${t.bucket}/${key(t)}`,
        }),
      ),
  },
]);
