import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import {
  CsrfRejectedError,
  LoginRequiredError,
  TooManyAttemptsError,
} from '../http/gateway.errors';
import { requestKind } from '../http/request-kind';
import { MANAGER_USER, ManagerCredentials, parseBasicAuth } from './credentials';
import { CSRF_FIELD, CSRF_HEADER, verifyCsrfToken } from './csrf';
import { clientAddressOf, LoginThrottle } from './login-throttle';
import { ApiTokenService, parseBearer } from '../tokens/api-token.service';
import { IS_PUBLIC } from './public.decorator';

/** BEARER_USER is the user name wrong API tokens are counted under in LoginThrottle. */
const BEARER_USER = '(api token)';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * AuthGuard protects every HTTP route except those marked @Public(): `/api/*` needs HTTP Basic
 * `admin:<password>` or an API token (`Authorization: Bearer`, see ApiTokenService), pages and live streams need a logged-in session. Every state-changing
 * request that is not an API call must carry the session's CSRF token (synchronizer token),
 * the login form included. Message handlers (RabbitMQ) are not HTTP and pass through.
 * A wrong `/api` password counts against the client's address and user name in LoginThrottle,
 * and a refused pair or address gets 429 for every credential it sends, right ones included.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly credentials: ManagerCredentials,
    private readonly throttle: LoginThrottle,
    private readonly tokens: ApiTokenService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<Request>();
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    const kind = requestKind(req);
    if (kind === 'api') {
      if (isPublic) return true;
      const client = clientAddressOf(req);
      const bearer = parseBearer(req.headers.authorization);
      if (bearer !== undefined) {
        const verdict = this.throttle.check(client, BEARER_USER);
        if (verdict.blocked) throw new TooManyAttemptsError(verdict.retryAfterS);
        if (!(await this.tokens.verify(bearer))) {
          this.throttle.fail(client, BEARER_USER);
          throw new LoginRequiredError('wrong');
        }
        this.throttle.succeed(client, BEARER_USER);
        return true;
      }
      const basic = parseBasicAuth(req.headers.authorization);
      if (!basic) throw new LoginRequiredError('missing');
      const verdict = this.throttle.check(client, basic.user);
      if (verdict.blocked) throw new TooManyAttemptsError(verdict.retryAfterS);
      if (!this.credentials.verify(basic.user, basic.password)) {
        this.throttle.fail(client, basic.user);
        throw new LoginRequiredError('wrong');
      }
      this.throttle.succeed(client, basic.user);
      return true;
    }
    if (!isPublic && req.session?.user !== MANAGER_USER) throw new LoginRequiredError('missing');
    if (!SAFE_METHODS.has(req.method)) {
      const body = req.body as Record<string, unknown> | undefined;
      const submitted = body?.[CSRF_FIELD] ?? req.headers[CSRF_HEADER];
      if (!verifyCsrfToken(req.session, submitted)) throw new CsrfRejectedError();
    }
    return true;
  }
}
