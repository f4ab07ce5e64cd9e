import type { Request } from 'express';
import type { Session } from 'express-session';

/**
 * WorkerSessionData is what the worker keeps in a session. Deliberately not a global
 * `declare module 'express-session'` augmentation: the gateway, compiled in the same program,
 * keeps different fields in its own sessions.
 */
export interface WorkerSessionData {
  /** The logged-in user; checked against the users table on every page. */
  userId?: number;
  username?: string;
  /** Synchronizer token of every form of this session (see csrf/). */
  csrfToken?: string;
  /** A one-time message shown on the next page ("Picture uploaded."). */
  flash?: string;
}

/** WorkerSession is an express-session session holding WorkerSessionData. */
export type WorkerSession = Session & WorkerSessionData;

/** workerSession returns the request's session (undefined outside pages, see isPagePath). */
export function workerSession(req: Request): WorkerSession | undefined {
  return req.session as unknown as WorkerSession | undefined;
}
