import { FieldErrors } from '@app/messaging';

/** LoginRequiredError is thrown when a request has no valid login (redirect or 401). */
export class LoginRequiredError extends Error {
  constructor(readonly reason: 'missing' | 'wrong' = 'missing') {
    super(reason === 'wrong' ? 'wrong user or password' : 'login required');
    this.name = 'LoginRequiredError';
  }
}

/** TooManyAttemptsError is a 429: this address failed to log in too often (see LoginThrottle). */
export class TooManyAttemptsError extends Error {
  constructor(readonly retryAfterS: number) {
    super(tooManyAttemptsMessage(retryAfterS));
    this.name = 'TooManyAttemptsError';
  }
}

/** tooManyAttemptsMessage says why a login is refused and when to try again. */
export function tooManyAttemptsMessage(retryAfterS: number): string {
  const wait =
    retryAfterS < 120
      ? `${retryAfterS} second${retryAfterS === 1 ? '' : 's'}`
      : `${Math.ceil(retryAfterS / 60)} minutes`;
  return `Too many failed login attempts from this address. Try again in ${wait}.`;
}

/** CsrfRejectedError is thrown when a form arrives without the session's CSRF token (403). */
export class CsrfRejectedError extends Error {
  constructor() {
    super(
      'This form was not sent from a page of this manager, or the page is too old. ' +
        'Reload the page and try again.',
    );
    this.name = 'CsrfRejectedError';
  }
}

/** InvalidInputError is a 400 with the errors per field. */
export class InvalidInputError extends Error {
  constructor(
    readonly fields: FieldErrors,
    message = 'invalid input',
  ) {
    super(
      `${message}: ` +
        Object.entries(fields)
          .map(([f, m]) => `${f}: ${m.join(', ')}`)
          .join('; '),
    );
    this.name = 'InvalidInputError';
  }
}

/** NotFoundError is a 404 with a message saying what was not found. */
export class NotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotFoundError';
  }
}

/** ServiceUnavailableError is a 503: a service needed for the request is down. */
export class ServiceUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ServiceUnavailableError';
  }
}

/** TimedOutError is a 504: a long operation (clear, shutdown) did not finish in time. */
export class TimedOutError extends Error {
  constructor(
    message: string,
    readonly detail?: unknown,
  ) {
    super(message);
    this.name = 'TimedOutError';
  }
}
