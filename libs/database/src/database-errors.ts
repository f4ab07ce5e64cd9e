/**
 * DATABASE_UNAVAILABLE is the error code of an answer that failed because MySQL could not be
 * reached (services answer it over RabbitMQ; the gateway turns it into a 503).
 */
export const DATABASE_UNAVAILABLE = 'database-unavailable';

/** DATABASE_UNAVAILABLE_MESSAGE is what people and scripts are told, without the raw error. */
export const DATABASE_UNAVAILABLE_MESSAGE = 'The database is not reachable; retrying.';

/**
 * Connection-level failures of mysql2 and of the socket under it (a refused or reset
 * connection, a server gone away, a handshake that never ends). A query error (bad SQL, a
 * duplicate key) is not one of them.
 */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_SERVER_SHUTDOWN',
  'ER_CON_COUNT_ERROR',
]);

/**
 * isDatabaseUnreachable tells an error that means "MySQL cannot be reached right now" (the
 * mysql2 error itself, or TypeORM's QueryFailedError around it), as opposed to a bug or bad
 * input: callers answer it as a temporary outage.
 */
export function isDatabaseUnreachable(error: unknown): boolean {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 3; depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) return true;
    if (
      typeof message === 'string' &&
      /^Pool is closed|Connection lost: |when connection is in closed state/.test(message)
    ) {
      return true;
    }
    e =
      (e as { driverError?: unknown; cause?: unknown }).driverError ??
      (e as { cause?: unknown }).cause;
  }
  return false;
}
