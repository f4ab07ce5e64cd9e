import type { NextFunction, Request, RequestHandler, Response } from 'express';
import {
  DATABASE_UNAVAILABLE,
  DATABASE_UNAVAILABLE_MESSAGE,
  isDatabaseUnreachable,
} from '@app/database/database-errors';
import { requestKind } from './request-kind';

/**
 * orDatabaseOutage wraps a middleware that reads MySQL (the session store): when the database
 * cannot be reached the request is answered 503 with a plain message (JSON for `/api` and
 * `/live`, the error page otherwise) instead of Express's bare 500; other errors go on as before.
 */
export function orDatabaseOutage(middleware: RequestHandler): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    void middleware(req, res, (error?: unknown) => {
      if (!error || !isDatabaseUnreachable(error)) return next(error);
      // A failed save after the answer (a rolling session's touch) has nobody left to tell.
      if (res.headersSent) return undefined;
      res.status(503).setHeader('Cache-Control', 'no-store');
      const kind = requestKind(req);
      if (kind === 'api' || kind === 'live') {
        res.json({ error: DATABASE_UNAVAILABLE, message: DATABASE_UNAVAILABLE_MESSAGE });
        return undefined;
      }
      res.render('error', {
        title: 'A service is unavailable',
        status: 503,
        message: DATABASE_UNAVAILABLE_MESSAGE,
      });
      return undefined;
    });
  };
}
