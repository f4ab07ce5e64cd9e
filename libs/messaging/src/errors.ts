import { Catch, RpcExceptionFilter } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { Observable, throwError } from 'rxjs';
import {
  DATABASE_UNAVAILABLE,
  DATABASE_UNAVAILABLE_MESSAGE,
  isDatabaseUnreachable,
} from '@app/database/database-errors';

/** FieldErrors maps a field name to its messages. */
export type FieldErrors = Record<string, string[]>;

/** MessageValidationError is thrown when a payload does not satisfy its contract DTO. */
export class MessageValidationError extends Error {
  readonly code = 'invalid';
  constructor(
    readonly pattern: string,
    readonly fields: FieldErrors,
  ) {
    super(
      `Invalid ${pattern} payload: ` +
        Object.entries(fields)
          .map(([f, m]) => `${f}: ${m.join(', ')}`)
          .join('; '),
    );
    this.name = 'MessageValidationError';
  }
}

/** QueryTimeoutError is thrown when a query gets no answer within its timeout. */
export class QueryTimeoutError extends Error {
  readonly code = 'timeout';
  constructor(
    readonly service: string,
    readonly pattern: string,
    readonly timeoutMs: number,
  ) {
    super(
      `No answer from ${service} to ${pattern} within ${timeoutMs} ms (is ${service} running?)`,
    );
    this.name = 'QueryTimeoutError';
  }
}

/** RemoteError carries an error answered by the service that handled a query. */
export class RemoteError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly fields?: FieldErrors,
  ) {
    super(message);
    this.name = 'RemoteError';
  }
}

/** BrokerUnavailableError is thrown when a command cannot be handed to the broker in time. */
export class BrokerUnavailableError extends Error {
  readonly code = 'broker-unavailable';
  constructor(message: string) {
    super(message);
    this.name = 'BrokerUnavailableError';
  }
}

/**
 * HandlerError lets a query handler answer a coded error (e.g. 'not-found', 'invalid' with
 * field errors) instead of a generic failure. It is an RpcException, so Nest's exception layer
 * hands its code, message and fields through unchanged.
 */
export class HandlerError extends RpcException {
  constructor(
    readonly code: string,
    message: string,
    readonly fields?: FieldErrors,
  ) {
    super({ code, message, fields });
    this.name = 'HandlerError';
  }
}

/** DescribedError is what RmqServer makes of anything a handler threw. */
export interface DescribedError {
  code: string;
  message: string;
  fields?: FieldErrors;
}

/**
 * describeError turns what a handler threw — an Error, a HandlerError, or the plain object
 * Nest's exception layer rethrows — into a code, a message and optional field errors; MySQL
 * being unreachable is DATABASE_UNAVAILABLE.
 */
export function describeError(error: unknown): DescribedError {
  if (error instanceof HandlerError || error instanceof MessageValidationError) {
    return { code: error.code, message: error.message, fields: error.fields };
  }
  // An outage, not a bug: callers say so plainly (the raw "connect ECONNREFUSED" stays in logs).
  if (isDatabaseUnreachable(error)) {
    return { code: DATABASE_UNAVAILABLE, message: DATABASE_UNAVAILABLE_MESSAGE };
  }
  if (error instanceof Error) return { code: 'internal', message: error.message };
  if (error && typeof error === 'object') {
    const e = error as { code?: unknown; message?: unknown; fields?: FieldErrors };
    return {
      code: typeof e.code === 'string' ? e.code : 'internal',
      message: typeof e.message === 'string' ? e.message : JSON.stringify(error),
      fields: e.fields,
    };
  }
  return { code: 'internal', message: String(error) };
}

/**
 * RpcErrorPassthroughFilter lets a handler's own error reach RmqServer unchanged (Nest's
 * default replaces unknown errors by "Internal server error", which would leave dead letters
 * without their reason). Services install it with `app.useGlobalFilters`.
 */
@Catch()
export class RpcErrorPassthroughFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown): Observable<never> {
    return throwError(() => exception);
  }
}
