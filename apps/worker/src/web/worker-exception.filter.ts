import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import {
  ERROR_CODES,
  LoginRequiredError,
  TooManyAttemptsError,
  UserError,
  UserErrorBody,
} from '../common/user-error';
import { pageModel } from './page-model';

/** Problem is an error turned into what the client is told. */
interface Problem {
  status: number;
  error: UserErrorBody;
}

const TITLES: Record<number, string> = {
  400: 'That did not work',
  401: 'Log in required',
  403: 'Not allowed',
  404: 'Not found',
  413: 'File too large',
  415: 'Not a picture',
  429: 'Too many attempts',
};

/** toProblem maps any thrown value to a status and a message safe to show. */
export function toProblem(error: unknown): Problem {
  if (error instanceof UserError) return { status: error.getStatus(), error: error.body() };
  if (error instanceof HttpException) {
    const status = error.getStatus();
    if (status === 404) {
      return { status, error: { code: ERROR_CODES.notFound, message: 'There is no such page.' } };
    }
    if (status === 413) {
      return {
        status,
        error: { code: ERROR_CODES.tooLarge, message: 'The request is too large.' },
      };
    }
    if (status < 500) {
      return { status, error: { code: ERROR_CODES.invalidField, message: error.message } };
    }
  }
  // body-parser and other http-errors carry a status and whether their message may be shown.
  const http = error as { status?: unknown; expose?: unknown; message?: unknown };
  if (typeof http?.status === 'number' && http.status >= 400 && http.status < 500) {
    const message = http.expose && typeof http.message === 'string' ? http.message : 'Bad request.';
    const code = http.status === 413 ? ERROR_CODES.tooLarge : ERROR_CODES.invalidField;
    return { status: http.status, error: { code, message } };
  }
  return {
    status: 500,
    error: {
      code: ERROR_CODES.internal,
      message: 'Something went wrong on our side. Please try again.',
    },
  };
}

/** isJsonPath says whether errors on this path are answered as JSON rather than as a page. */
export function isJsonPath(path: string): boolean {
  return (
    path.startsWith('/api/') ||
    path === '/health' ||
    path.startsWith('/health/') ||
    path === '/metrics'
  );
}

/**
 * WorkerExceptionFilter answers every error: `{ success: false, error: { code, message } }` on the
 * JSON API, a page with the message otherwise, and a redirect to /login when a page needs a
 * logged-in user. Unexpected errors are logged and shown as a generic 500.
 */
@Catch()
export class WorkerExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('WorkerExceptionFilter');

  catch(error: unknown, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    const problem = toProblem(error);
    if (problem.status >= 500) {
      this.logger.error(
        `${req.method} ${req.originalUrl}: ${(error as Error)?.stack ?? String(error)}`,
      );
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    if (error instanceof TooManyAttemptsError) res.setHeader('Retry-After', error.retryAfterS);
    if (isJsonPath(req.path)) {
      res.status(problem.status).json({ success: false, error: problem.error });
      return;
    }
    if (error instanceof LoginRequiredError) {
      const next = req.method === 'GET' ? `?next=${encodeURIComponent(req.originalUrl)}` : '';
      res.redirect(303, `/login${next}`);
      return;
    }
    const model = pageModel(req, TITLES[problem.status] ?? 'Something went wrong', {
      status: problem.status,
      message: problem.error.message,
      back: req.method === 'GET' ? null : req.path,
    });
    res
      .status(problem.status)
      .render('error', model, (renderError: Error | null, html?: string) => {
        if (renderError) {
          this.logger.error(`cannot render the error page: ${renderError.message}`);
          res.type('text/plain').send(problem.error.message);
          return;
        }
        res.send(html);
      });
  }
}
