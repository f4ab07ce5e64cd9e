import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { UserEntity } from '@app/app-data';
import type { Request } from 'express';
import { Repository } from 'typeorm';
import { workerSession } from './session-data';

/** SessionUsers logs users in and out of the session and finds who is logged in. */
@Injectable()
export class SessionUsers {
  constructor(@InjectRepository(UserEntity) private readonly users: Repository<UserEntity>) {}

  /**
   * current returns the logged-in user, or null. The row is read again on every page: a user
   * removed by the janitor is logged out, and the name must match too, so a session can never
   * pass to a new account that reused the id.
   */
  async current(req: Request): Promise<UserEntity | null> {
    const session = workerSession(req);
    if (!session?.userId) return null;
    const user = await this.users.findOneBy({ userid: session.userId });
    if (!user || user.username !== session.username) {
      delete session.userId;
      delete session.username;
      return null;
    }
    return user;
  }

  /** logIn starts a fresh session for `user` (a new id: no session fixation). */
  async logIn(req: Request, user: UserEntity, flash?: string): Promise<void> {
    await new Promise<void>((resolve, reject) =>
      req.session.regenerate((error: unknown) => (error ? reject(error) : resolve())),
    );
    const session = workerSession(req)!;
    session.userId = user.userid;
    session.username = user.username;
    if (flash) session.flash = flash;
    await new Promise<void>((resolve, reject) =>
      req.session.save((error: unknown) => (error ? reject(error) : resolve())),
    );
  }

  /** logOut deletes the session. */
  async logOut(req: Request): Promise<void> {
    if (!req.session) return;
    await new Promise<void>((resolve, reject) =>
      req.session.destroy((error: unknown) => (error ? reject(error) : resolve())),
    );
  }
}
