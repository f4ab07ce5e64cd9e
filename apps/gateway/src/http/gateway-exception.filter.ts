import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { throwError } from 'rxjs';
import { MANAGER_USER } from '../auth/credentials';
import { describeError } from './describe-error';
import { LoginRequiredError } from './gateway.errors';
import { requestKind } from './request-kind';

/** API_LOGIN_MESSAGE is the 401 answer of `/api`: how a script authenticates. */
export const API_LOGIN_MESSAGE =
  'Authenticate every /api call with HTTP Basic admin:<MANAGER_PASSWORD> sent up front ' +
  '(Authorization: Basic base64("admin:<password>"); curl -u admin:<password>) or an API token ' +
  'from the API tokens page (Authorization: Bearer <token>).';

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
      // No `WWW-Authenticate: Basic` challenge (issue #10): a browser would prompt, cache the
      // credentials and send them on forged cross-site requests. Scripts send them up front.
      const message =
        exception instanceof LoginRequiredError && kind === 'api'
          ? API_LOGIN_MESSAGE
          : answer.message;
      const body: Record<string, unknown> = { error: answer.code, message };
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
