import { HttpException } from '@nestjs/common';

/** ERROR_CODES are the `error.code` values the worker answers with (JSON API and pages). */
export const ERROR_CODES = {
  missingField: 'missing_field',
  invalidField: 'invalid_field',
  invalidCredentials: 'invalid_credentials',
  usernameTaken: 'username_taken',
  tooManyAttempts: 'too_many_attempts',
  notAnImage: 'not_an_image',
  tooLarge: 'too_large',
  csrf: 'csrf_token_invalid',
  notFound: 'not_found',
  loginRequired: 'login_required',
  internal: 'internal_error',
} as const;

/** ErrorCode is one of ERROR_CODES. */
export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

/** UserErrorBody is what a refused request tells the client. */
export interface UserErrorBody {
  code: ErrorCode;
  message: string;
  /** The form field at fault, when there is one. */
  field?: string;
}

/**
 * UserError is a refusal the user can act on (bad field, wrong password, not an image, …): an HTTP
 * status plus a stable code and a readable message. The JSON API answers it as
 * `{ success: false, error }`; pages show the message.
 */
export class UserError extends HttpException {
  constructor(
    status: number,
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super({ code, message, field } satisfies UserErrorBody, status);
    this.message = message;
  }

  /** body is the `error` object of a JSON answer. */
  body(): UserErrorBody {
    return this.field
      ? { code: this.code, message: this.message, field: this.field }
      : { code: this.code, message: this.message };
  }
}

/** LoginRequiredError is thrown by LoggedInGuard; pages answer it with a redirect to /login. */
export class LoginRequiredError extends UserError {
  constructor() {
    super(401, ERROR_CODES.loginRequired, 'Please log in first.');
  }
}

/** TooManyAttemptsError is a 429 refusal with the seconds to wait, sent as Retry-After. */
export class TooManyAttemptsError extends UserError {
  constructor(readonly retryAfterS: number) {
    super(
      429,
      ERROR_CODES.tooManyAttempts,
      `Too many wrong passwords. Try again in ${retryAfterS} s.`,
    );
  }
}
