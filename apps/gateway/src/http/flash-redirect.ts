import type { Request, Response } from 'express';
import type { SessionData } from 'express-session';

/** Flash is the confirmation (or refusal) shown once on the page a form's redirect lands on. */
export type Flash = NonNullable<SessionData['flash']>;

/**
 * redirectWithFlash stores `flash` in the session, waits until the session is saved, then
 * redirects (303) to `url`. express-session saves on its own only while the response ends, after
 * the redirect's headers are out: a browser that follows them at once got the page before the
 * save, without its confirmation, which then showed on the next page (1 redirect in 28, issue
 * #15). A failed save rejects (the exception filter answers) instead of redirecting.
 */
export function redirectWithFlash(
  req: Request,
  res: Response,
  flash: Flash,
  url: string,
): Promise<void> {
  req.session.flash = flash;
  return new Promise<void>((resolve, reject) => {
    req.session.save((error?: unknown) => {
      if (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      res.redirect(303, url);
      resolve();
    });
  });
}
