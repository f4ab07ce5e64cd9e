import { Body, Controller, Get, Post, Query, Req, Res, UseInterceptors } from '@nestjs/common';
import type { Request, Response } from 'express';
import { TooManyAttemptsError, UserError } from '../common/user-error';
import { CsrfInterceptor } from '../csrf/csrf.interceptor';
import { SessionUsers } from '../session/session-users.service';
import { clientAddress } from '../web/client-address';
import { pageModel, safeNextPath } from '../web/page-model';
import { PASSWORD_RULES, USERNAME_RULES } from './credentials';
import { AccountsService } from './accounts.service';

type CredentialsForm = { username?: unknown; password?: unknown; next?: unknown };

const RULES = {
  usernameRules: `${USERNAME_RULES.min}–${USERNAME_RULES.max} characters: letters, digits, _ . -`,
  passwordRules: `${PASSWORD_RULES.min}–${PASSWORD_RULES.max} characters`,
};

/** AccountsPageController serves the register, log-in and log-out pages. */
@Controller()
export class AccountsPageController {
  constructor(
    private readonly accounts: AccountsService,
    private readonly sessionUsers: SessionUsers,
  ) {}

  @Get()
  async home(@Req() req: Request, @Res() res: Response): Promise<void> {
    const user = await this.sessionUsers.current(req);
    res.redirect(303, user ? '/pictures' : '/login');
  }

  @Get('register')
  async registerPage(@Req() req: Request, @Res() res: Response): Promise<void> {
    if (await this.sessionUsers.current(req)) return res.redirect(303, '/pictures');
    res.render('register', pageModel(req, 'Create an account', { ...RULES }, { form: true }));
  }

  @Post('register')
  @UseInterceptors(CsrfInterceptor)
  async register(
    @Req() req: Request,
    @Res() res: Response,
    @Body() form: CredentialsForm = {},
  ): Promise<void> {
    try {
      const user = await this.accounts.register(form.username, form.password);
      await this.sessionUsers.logIn(
        req,
        user,
        `Welcome, ${user.username}! Upload your first picture.`,
      );
      res.redirect(303, '/upload');
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      res.status(error.getStatus()).render(
        'register',
        pageModel(
          req,
          'Create an account',
          {
            ...RULES,
            error: error.message,
            field: error.field,
            username: textOrEmpty(form.username),
          },
          { form: true },
        ),
      );
    }
  }

  @Get('login')
  async loginPage(
    @Req() req: Request,
    @Res() res: Response,
    @Query('next') next?: string,
    @Query('out') out?: string,
  ): Promise<void> {
    if (await this.sessionUsers.current(req)) return res.redirect(303, safeNextPath(next));
    const notice = out ? 'You are logged out. See you soon!' : undefined;
    res.render(
      'login',
      pageModel(req, 'Log in', { next: safeNextPath(next), notice }, { form: true }),
    );
  }

  @Post('login')
  @UseInterceptors(CsrfInterceptor)
  async login(
    @Req() req: Request,
    @Res() res: Response,
    @Body() form: CredentialsForm = {},
  ): Promise<void> {
    const next = safeNextPath(form.next);
    try {
      const user = await this.accounts.authenticate(
        form.username,
        form.password,
        clientAddress(req),
      );
      await this.sessionUsers.logIn(req, user);
      res.redirect(303, next);
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      if (error instanceof TooManyAttemptsError) res.setHeader('Retry-After', error.retryAfterS);
      res.status(error.getStatus()).render(
        'login',
        pageModel(
          req,
          'Log in',
          {
            error: error.message,
            field: error.field,
            username: textOrEmpty(form.username),
            next,
          },
          { form: true },
        ),
      );
    }
  }

  @Post('logout')
  @UseInterceptors(CsrfInterceptor)
  async logout(@Req() req: Request, @Res() res: Response): Promise<void> {
    await this.sessionUsers.logOut(req);
    res.redirect(303, '/login?out=1');
  }
}

/** textOrEmpty echoes a submitted text field back into a form (never a non-string). */
function textOrEmpty(value: unknown): string {
  return typeof value === 'string' ? value.slice(0, 64) : '';
}
