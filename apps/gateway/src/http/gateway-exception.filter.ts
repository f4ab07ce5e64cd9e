import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { throwError } from 'rxjs';
import { MANAGER_USER } from '../auth/credentials';
import { describeError } from './describe-error';
import { LoginRequiredError } from './gateway.errors';
import { requestKind } from './request-kind';

/** safeNext returns `path` when it is a local path to come back to after login, else '/'. */
export function safeNext(path: unknown): string {
  return typeof path === 'string' && /^\/(?![/\\])/.test(path) && !path.startsWith('/login')
    ? path
    : '/';
}

/**
 * GatewayExceptionFilter answers every failed HTTP request: JSON `{ error, message, fields }` on
 * `/api` and `/live`, an error page (or a redirect to the login) for pages.
 */
@Catch()
export class GatewayExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Gateway');

  catch(exception: unknown, host: ArgumentsHost) {
    if (host.getType() !== 'http') return throwError(() => exception);
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    const answer = describeError(exception);
    if (answer.status >= 500) {
      const detail =
        exception instanceof Error ? (exception.stack ?? exception.message) : exception;
      this.logger.warn(`${req.method} ${req.originalUrl} → ${answer.status}: ${String(detail)}`);
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    const kind = requestKind(req);
    if (answer.retryAfterS !== undefined) res.setHeader('Retry-After', String(answer.retryAfterS));
    if (kind === 'api' || kind === 'live') {
      if (exception instanceof LoginRequiredError && kind === 'api') {
        res.setHeader('WWW-Authenticate', 'Basic realm="Ebbflow manager", charset="UTF-8"');
      }
      const body: Record<string, unknown> = { error: answer.code, message: answer.message };
      if (answer.fields) body.fields = answer.fields;
      if (answer.detail !== undefined) body.detail = answer.detail;
      if (answer.retryAfterS !== undefined) body.retryAfterS = answer.retryAfterS;
      res.status(answer.status).json(body);
      return;
    }
    if (exception instanceof LoginRequiredError) {
      const next = req.method === 'GET' ? safeNext(req.originalUrl) : '/';
      res.redirect(303, next === '/' ? '/login' : `/login?next=${encodeURIComponent(next)}`);
      return;
    }
    res.status(answer.status).render('error', {
      title: titleOf(answer.status),
      status: answer.status,
      message: answer.message,
      fields: answer.fields,
      loggedIn: req.session?.user === MANAGER_USER,
    });
  }
}

function titleOf(status: number): string {
  switch (status) {
    case 400:
      return 'Invalid input';
    case 403:
      return 'Refused';
    case 404:
      return 'Not found';
    case 429:
      return 'Too many attempts';
    case 503:
      return 'A service is unavailable';
    case 504:
      return 'Timed out';
    default:
      return 'Something went wrong';
  }
}
