import { Injectable } from '@nestjs/common';
import * as argon2 from 'argon2';

/**
 * ARGON2_OPTIONS: argon2id with 19 MiB, 2 passes, 1 lane — OWASP's Password Storage Cheat Sheet
 * minimum. Enough against offline guessing while 20 concurrent uploads (each verifying the
 * password) stay cheap on a small worker.
 */
export const ARGON2_OPTIONS = {
  type: argon2.argon2id,
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
} as const;

/** PasswordHasher hashes and verifies passwords with argon2id. */
@Injectable()
export class PasswordHasher {
  private dummyHash?: Promise<string>;

  hash(password: string): Promise<string> {
    return argon2.hash(password, ARGON2_OPTIONS);
  }

  /** verify checks a password; a malformed stored hash counts as a mismatch. */
  async verify(hash: string, password: string): Promise<boolean> {
    try {
      return await argon2.verify(hash, password);
    } catch {
      return false;
    }
  }

  /**
   * verifyNobody spends the time of a real verification for an unknown user, so response times
   * do not tell which usernames exist.
   */
  async verifyNobody(password: string): Promise<false> {
    this.dummyHash ??= argon2.hash('ebbflow-no-such-user', ARGON2_OPTIONS);
    await this.verify(await this.dummyHash, password);
    return false;
  }
}
