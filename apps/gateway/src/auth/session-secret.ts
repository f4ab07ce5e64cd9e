import { createHmac, randomBytes } from 'crypto';

/** SESSION_SECRET_LABEL is what MANAGER_PASSWORD signs to give the derived session secret. */
export const SESSION_SECRET_LABEL = 'ebbflow.gateway.session-secret.v1';

/**
 * sessionSecretOf picks the secret that signs the manager's session cookie: SESSION_SECRET when
 * set; else one derived from MANAGER_PASSWORD (HMAC-SHA256 of a fixed label), stable across
 * restarts so sessions survive them, and changing with the password so a new password ends every
 * session; else (the password itself is random per boot) a random secret per boot.
 */
export function sessionSecretOf(config: {
  SESSION_SECRET?: string;
  MANAGER_PASSWORD?: string;
}): string {
  if (config.SESSION_SECRET) return config.SESSION_SECRET;
  if (config.MANAGER_PASSWORD) {
    return createHmac('sha256', config.MANAGER_PASSWORD).update(SESSION_SECRET_LABEL).digest('hex');
  }
  return randomBytes(32).toString('hex');
}
