import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { UserEntity } from '@app/app-data';
import { QueryFailedError, Repository } from 'typeorm';
import { ERROR_CODES, UserError } from '../common/user-error';
import { LoginThrottle } from '../throttle/login-throttle.service';
import { requiredText, validatePassword, validateUsername } from './credentials';
import { PasswordHasher } from './password.hasher';

/** isDuplicateKey says whether a query failed on a unique index (MySQL ER_DUP_ENTRY). */
export function isDuplicateKey(error: unknown): boolean {
  const driverError = (error as QueryFailedError & { driverError?: { code?: string } })
    ?.driverError;
  return error instanceof QueryFailedError && driverError?.code === 'ER_DUP_ENTRY';
}

/** AccountsService registers users and checks their passwords. */
@Injectable()
export class AccountsService {
  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly hasher: PasswordHasher,
    private readonly throttle: LoginThrottle,
  ) {}

  /** register creates an account; 400 for a bad name or password, 409 when the name is taken. */
  async register(usernameInput: unknown, passwordInput: unknown): Promise<UserEntity> {
    const username = validateUsername(usernameInput);
    const password = validatePassword(passwordInput);
    if (await this.users.existsBy({ username })) throw this.taken(username);
    const passwordHash = await this.hasher.hash(password);
    try {
      const result = await this.users.insert({ username, passwordHash, uploadCount: 0 });
      const userid = (result.identifiers[0] as { userid: number }).userid;
      return await this.users.findOneByOrFail({ userid });
    } catch (error) {
      // Two registrations of one name at once: the unique index decides.
      if (isDuplicateKey(error)) throw this.taken(username);
      throw error;
    }
  }

  /**
   * authenticate returns the user whose name and password these are; 400 when a field is
   * missing, 401 for an unknown user or a wrong password (the same answer for both), 429
   * (TooManyAttemptsError, before the password is even looked at) when this account from this
   * client address, or this address, failed too often (LoginThrottle). Every password check of
   * the app goes through here, so every one is throttled.
   */
  async authenticate(
    usernameInput: unknown,
    passwordInput: unknown,
    clientAddress: string,
  ): Promise<UserEntity> {
    const username = requiredText(usernameInput, 'username', 'Enter your username.');
    const password = requiredText(passwordInput, 'password', 'Enter your password.');
    await this.throttle.check(username, clientAddress);
    const user =
      username.length <= 64 && password.length <= 1024
        ? await this.users.findOneBy({ username })
        : null;
    const ok = user
      ? await this.hasher.verify(user.passwordHash, password)
      : await this.hasher.verifyNobody(password);
    if (!user || !ok) {
      await this.throttle.recordFailure(username, clientAddress);
      throw new UserError(401, ERROR_CODES.invalidCredentials, 'Wrong username or password.');
    }
    await this.throttle.recordSuccess(username, clientAddress);
    return user;
  }

  private taken(username: string): UserError {
    return new UserError(
      409,
      ERROR_CODES.usernameTaken,
      `The username "${username}" is already taken. Choose another one.`,
      'username',
    );
  }
}
