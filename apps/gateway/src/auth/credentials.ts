import { createHash, randomBytes, timingSafeEqual } from 'crypto';

/** MANAGER_USER is the only user of the manager (DESIGN.md: HTTP Basic `admin:<password>`). */
export const MANAGER_USER = 'admin';

/**
 * safeEqual compares two strings in constant time, whatever their lengths: both sides are
 * hashed first so `timingSafeEqual` always compares 32 bytes and the length leaks nothing.
 */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a, 'utf8').digest();
  const hb = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(ha, hb);
}

/** parseBasicAuth reads an `Authorization: Basic …` header; undefined when absent or malformed. */
export function parseBasicAuth(
  header: string | undefined,
): { user: string; password: string } | undefined {
  if (!header) return undefined;
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** ManagerCredentials holds the password every login and API call is checked against. */
export class ManagerCredentials {
  constructor(
    readonly password: string,
    /** True when no MANAGER_PASSWORD was configured and this one was generated at start. */
    readonly generated: boolean,
  ) {}

  /** verify tells whether `user`/`password` are the manager's, in constant time. */
  verify(user: string, password: string): boolean {
    // Evaluate both comparisons so a wrong user name costs the same time as a wrong password.
    const userOk = safeEqual(user, MANAGER_USER);
    const passwordOk = safeEqual(password, this.password);
    return userOk && passwordOk;
  }

  /** fromConfig uses MANAGER_PASSWORD, or generates a random password when it is unset. */
  static fromConfig(configured: string | undefined): ManagerCredentials {
    if (configured) return new ManagerCredentials(configured, false);
    return new ManagerCredentials(randomBytes(15).toString('base64url'), true);
  }
}
