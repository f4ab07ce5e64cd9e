import { CanActivate, ExecutionContext, Injectable, createParamDecorator } from '@nestjs/common';
import { UserEntity } from '@app/app-data';
import type { Request } from 'express';
import { LoginRequiredError } from '../common/user-error';
import { SessionUsers } from './session-users.service';

/** LOGGED_IN_USER is the request property LoggedInGuard fills. */
const LOGGED_IN_USER = Symbol('loggedInUser');

type RequestWithUser = Request & { [LOGGED_IN_USER]?: UserEntity };

/** LoggedInGuard lets a page through only for a logged-in user (others go to /login). */
@Injectable()
export class LoggedInGuard implements CanActivate {
  constructor(private readonly sessionUsers: SessionUsers) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<RequestWithUser>();
    const user = await this.sessionUsers.current(req);
    if (!user) throw new LoginRequiredError();
    req[LOGGED_IN_USER] = user;
    return true;
  }
}

/** CurrentUser is the user LoggedInGuard found (use only on guarded handlers). */
export const CurrentUser = createParamDecorator((_: unknown, context: ExecutionContext) => {
  const user = context.switchToHttp().getRequest<RequestWithUser>()[LOGGED_IN_USER];
  if (!user) throw new LoginRequiredError();
  return user;
});
