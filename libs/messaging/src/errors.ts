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
 * field errors) instead of a generic failure.
 */
export class HandlerError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly fields?: FieldErrors,
  ) {
    super(message);
    this.name = 'HandlerError';
  }
}
