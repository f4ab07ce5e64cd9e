import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import { Observable } from 'rxjs';
import { ERROR_CODES, UserError } from '../common/user-error';
import { workerSession } from '../session/session-data';
import { isValidAnonymousCsrfToken } from './anonymous-csrf';
import { CSRF_FIELD, CSRF_HEADER, isValidCsrfToken } from './csrf-token';

/**
 * CsrfInterceptor refuses (403) a form POST whose `_csrf` field (or X-CSRF-Token header) is not
 * its session's token, or, for a visitor who is not logged in (login, register), not the token
 * of its signed CSRF cookie (anonymousCsrfMiddleware). An interceptor rather than a guard because guards run before multipart
 * bodies are parsed: list it after the multipart interceptor on upload routes.
 */
@Injectable()
export class CsrfInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<Request>();
    const body = req.body as Record<string, unknown> | undefined;
    const submitted = body?.[CSRF_FIELD] ?? req.get(CSRF_HEADER);
    const session = workerSession(req);
    const valid = session?.userId
      ? isValidCsrfToken(session, submitted)
      : isValidCsrfToken(session, submitted) || isValidAnonymousCsrfToken(req, submitted);
    if (!valid) {
      throw new UserError(
        403,
        ERROR_CODES.csrf,
        'This form has expired or was not sent from this site. Go back, reload the page and try again.',
      );
    }
    return next.handle();
  }
}
