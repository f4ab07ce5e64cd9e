import type { Request } from 'express';
import { anonymousCsrfToken } from '../csrf/anonymous-csrf';
import { csrfTokenFor } from '../csrf/csrf-token';
import { workerSession } from '../session/session-data';

/** PageModel is what every page's layout needs, plus the page's own values. */
export interface PageModel {
  title: string;
  user: { username: string } | null;
  csrfToken: string;
  flash?: string;
  [key: string]: unknown;
}

/**
 * pageModel builds a view model: title, the logged-in user (from the session), the CSRF token
 * (created only when the page has a form: the logout button or `form: true`; the session's for a
 * logged-in user, else the signed cookie's, so that a visitor's view writes no session) and the
 * one-time flash message, which it consumes.
 */
export function pageModel(
  req: Request,
  title: string,
  values: Record<string, unknown> = {},
  { form = false }: { form?: boolean } = {},
): PageModel {
  const session = workerSession(req);
  const user = session?.userId && session.username ? { username: session.username } : null;
  const csrfToken =
    session && user ? csrfTokenFor(session) : session && form ? anonymousCsrfToken(req) : '';
  const flash = session?.flash;
  if (session && flash) delete session.flash;
  return { title, user, csrfToken, flash, ...values };
}

/** safeNextPath keeps a `next` redirect target only when it is a path on this site. */
export function safeNextPath(value: unknown, fallback = '/pictures'): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//'))
    return fallback;
  if (value.includes('\\') || /[\r\n]/.test(value)) return fallback;
  return value;
}
