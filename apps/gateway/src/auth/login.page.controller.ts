import { Body, Controller, Get, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { safeNext } from '../http/gateway-exception.filter';
import { tooManyAttemptsMessage } from '../http/gateway.errors';
import { MANAGER_USER, ManagerCredentials } from './credentials';
import { rotateCsrfToken } from './csrf';
import { clientAddressOf, LoginThrottle } from './login-throttle';
import { Public } from './public.decorator';

/** LoginForm is what the login page posts. */
interface LoginForm {
  password?: unknown;
  next?: unknown;
}

function regenerate(req: Request): Promise<void> {
  return new Promise((resolve, reject) =>
    req.session.regenerate((error: unknown) => (error ? reject(error) : resolve())),
  );
}

function destroy(req: Request): Promise<void> {
  return new Promise((resolve) => req.session.destroy(() => resolve()));
}

/**
 * LoginPageController shows the login form (password only, user admin) and logs in and out.
 * Wrong passwords count against the client's address and `admin` (LoginThrottle); a refused
 * client gets the form again with status 429, a `Retry-After` header and the time to wait,
 * whatever it sends.
 */
@Controller()
export class LoginPageController {
  constructor(
    private readonly credentials: ManagerCredentials,
    private readonly throttle: LoginThrottle,
  ) {}

  @Public()
  @Get('login')
  page(@Req() req: Request, @Res() res: Response, @Query('next') next?: string): void {
    if (req.session.user === MANAGER_USER) return res.redirect(303, safeNext(next));
    res.render('login', { title: 'Log in', next: safeNext(next) });
  }

  @Public()
  @Post('login')
  @HttpCode(200)
  async login(@Req() req: Request, @Res() res: Response, @Body() form: LoginForm): Promise<void> {
    const password = typeof form.password === 'string' ? form.password : '';
    const next = safeNext(form.next);
    const client = clientAddressOf(req);
    const verdict = this.throttle.check(client, MANAGER_USER);
    if (verdict.blocked) {
      res.setHeader('Retry-After', String(verdict.retryAfterS));
      res.status(429).render('login', {
        title: 'Log in',
        next,
        error: tooManyAttemptsMessage(verdict.retryAfterS),
      });
      return;
    }
    if (!password || !this.credentials.verify(MANAGER_USER, password)) {
      // An empty form is a slip, not a guess: it is not counted.
      if (password) this.throttle.fail(client, MANAGER_USER);
      res.status(401).render('login', {
        title: 'Log in',
        next,
        error: password ? 'Wrong password.' : 'Enter the password.',
      });
      return;
    }
    this.throttle.succeed(client, MANAGER_USER);
    // A new session id at login, so an id planted before login (session fixation) is worthless.
    await regenerate(req);
    req.session.user = MANAGER_USER;
    rotateCsrfToken(req.session);
    req.session.save(() => res.redirect(303, next));
  }

  @Post('logout')
  async logout(@Req() req: Request, @Res() res: Response): Promise<void> {
    await destroy(req);
    res.clearCookie('ebbflow.manager');
    res.redirect(303, '/login');
  }
}
