import { HttpException } from '@nestjs/common';
import { REMOVE_WORKER_CONFLICT } from '@app/contracts';
import {
  DATABASE_UNAVAILABLE,
  DATABASE_UNAVAILABLE_MESSAGE,
  isDatabaseUnreachable,
} from '@app/database/database-errors';
import {
  BrokerUnavailableError,
  FieldErrors,
  MessageValidationError,
  QueryTimeoutError,
  RemoteError,
} from '@app/messaging';
import {
  CsrfRejectedError,
  InvalidInputError,
  LoginRequiredError,
  NotFoundError,
  ServiceUnavailableError,
  TimedOutError,
  TooManyAttemptsError,
} from './gateway.errors';

/** ErrorAnswer is how an error is answered: status, a short code, a message, field errors. */
export interface ErrorAnswer {
  status: number;
  code: string;
  message: string;
  fields?: FieldErrors;
  detail?: unknown;
  /** Seconds until the request may be repeated (429): a `Retry-After` header and a field. */
  retryAfterS?: number;
}

const TYPE_MESSAGE = /must be (a number|a whole number|true or false|an integer number)/;

/**
 * tidyFieldErrors keeps, for a field whose value has the wrong type, only the type message:
 * "count must be a whole number" says it all, "must be at least 1" next to it only confuses.
 */
export function tidyFieldErrors(fields: FieldErrors): FieldErrors {
  return Object.fromEntries(
    Object.entries(fields).map(([field, messages]) => {
      const typeErrors = messages.filter((m) => TYPE_MESSAGE.test(m));
      return [field, typeErrors.length ? typeErrors : messages];
    }),
  );
}

/**
 * describeError maps anything thrown while handling a request to its HTTP answer: a dead
 * downstream service is a 503 with a message naming it, invalid input a 400 with the fields,
 * and only the unexpected is a 500.
 */
export function describeError(error: unknown): ErrorAnswer {
  if (error instanceof LoginRequiredError) {
    return { status: 401, code: 'unauthorized', message: 'Log in first (user admin).' };
  }
  if (error instanceof TooManyAttemptsError) {
    return {
      status: 429,
      code: 'too-many-attempts',
      message: error.message,
      retryAfterS: error.retryAfterS,
    };
  }
  if (error instanceof CsrfRejectedError) {
    return { status: 403, code: 'csrf', message: error.message };
  }
  if (error instanceof InvalidInputError || error instanceof MessageValidationError) {
    return {
      status: 400,
      code: 'invalid',
      message: error.message,
      fields: tidyFieldErrors(error.fields),
    };
  }
  if (error instanceof NotFoundError) {
    return { status: 404, code: 'not-found', message: error.message };
  }
  // MySQL down (the gateway's own, or a service's that answered so): a plain 503, no raw error.
  if (
    isDatabaseUnreachable(error) ||
    (error instanceof RemoteError && error.code === DATABASE_UNAVAILABLE)
  ) {
    return { status: 503, code: DATABASE_UNAVAILABLE, message: DATABASE_UNAVAILABLE_MESSAGE };
  }
  if (error instanceof RemoteError) {
    if (error.code === 'invalid') {
      const fields = error.fields ? tidyFieldErrors(error.fields) : undefined;
      return { status: 400, code: 'invalid', message: error.message, fields };
    }
    if (error.code === 'not-found')
      return { status: 404, code: 'not-found', message: error.message };
    if (error.code === REMOVE_WORKER_CONFLICT)
      return { status: 409, code: 'conflict', message: error.message };
    return { status: 502, code: error.code, message: error.message };
  }
  if (
    error instanceof QueryTimeoutError ||
    error instanceof BrokerUnavailableError ||
    error instanceof ServiceUnavailableError
  ) {
    return { status: 503, code: 'unavailable', message: error.message };
  }
  if (error instanceof TimedOutError) {
    return { status: 504, code: 'timeout', message: error.message, detail: error.detail };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse();
    const raw =
      typeof response === 'string'
        ? response
        : ((response as { message?: unknown }).message ?? error.message);
    const message = Array.isArray(raw) ? raw.join('; ') : String(raw);
    const code = status === 404 ? 'not-found' : status === 400 ? 'invalid' : 'error';
    return { status, code, message };
  }
  return { status: 500, code: 'internal', message: 'Internal error; see the gateway log.' };
}
