import 'express-session';

declare module 'express-session' {
  interface SessionData {
    /** Set to the manager user after a successful login. */
    user?: string;
    /** The synchronizer CSRF token of this session. */
    csrfToken?: string;
    /** A one-time message shown on the next page (after a redirect). */
    flash?: { kind: 'ok' | 'error'; text: string };
  }
}

export {};
