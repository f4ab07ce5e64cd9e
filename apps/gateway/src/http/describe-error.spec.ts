import { BadRequestException, NotFoundException } from '@nestjs/common';
import {
  BrokerUnavailableError,
  MessageValidationError,
  QueryTimeoutError,
  RemoteError,
} from '@app/messaging';
import { describeError, tidyFieldErrors } from './describe-error';
import {
  CsrfRejectedError,
  InvalidInputError,
  LoginRequiredError,
  NotFoundError,
  ServiceUnavailableError,
  TimedOutError,
  TooManyAttemptsError,
} from './gateway.errors';

describe('describeError', () => {
  it.each([
    ['no login', new LoginRequiredError(), 401, 'unauthorized'],
    ['a missing CSRF token', new CsrfRejectedError(), 403, 'csrf'],
    ['too many logins', new TooManyAttemptsError(30), 429, 'too-many-attempts'],
    ['invalid input', new InvalidInputError({ count: ['too big'] }), 400, 'invalid'],
    ['an invalid message', new MessageValidationError('x', { a: ['b'] }), 400, 'invalid'],
    ['a remote invalid', new RemoteError('invalid', 'no', { a: ['b'] }), 400, 'invalid'],
    ['a remote not-found', new RemoteError('not-found', 'no'), 404, 'not-found'],
    ['another remote error', new RemoteError('internal', 'boom'), 502, 'internal'],
    [
      'a remote refusal (already draining)',
      new RemoteError('conflict', 'draining'),
      409,
      'conflict',
    ],
    [
      "the gateway's MySQL unreachable",
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3306'), { code: 'ECONNREFUSED' }),
      503,
      'database-unavailable',
    ],
    [
      "a service's MySQL unreachable",
      new RemoteError('database-unavailable', 'The database is not reachable; retrying.'),
      503,
      'database-unavailable',
    ],
    [
      'a service that does not answer',
      new QueryTimeoutError('fleet', 'fleet.list', 2000),
      503,
      'unavailable',
    ],
    ['a broker that is down', new BrokerUnavailableError('down'), 503, 'unavailable'],
    ['a service found down', new ServiceUnavailableError('janitor down'), 503, 'unavailable'],
    ['a long operation out of time', new TimedOutError('late'), 504, 'timeout'],
    ['something missing', new NotFoundError('no such worker'), 404, 'not-found'],
    ['a Nest 404', new NotFoundException(), 404, 'not-found'],
    [
      'a Nest 400 (bad JSON)',
      new BadRequestException('Unexpected end of JSON input'),
      400,
      'invalid',
    ],
    ['a bug', new TypeError('x is undefined'), 500, 'internal'],
  ])('should answer %s with %i %s', (_what, error, status, code) => {
    expect(describeError(error)).toMatchObject({ status, code });
  });

  it('should keep the field errors and name the silent service', () => {
    expect(describeError(new InvalidInputError({ count: ['too big'] })).fields).toEqual({
      count: ['too big'],
    });
    expect(describeError(new QueryTimeoutError('metrics', 'metrics.history', 2000)).message).toBe(
      'No answer from metrics to metrics.history within 2000 ms (is metrics running?)',
    );
  });

  it('should say when a throttled client may try again, in seconds or minutes', () => {
    expect(describeError(new TooManyAttemptsError(1))).toEqual({
      status: 429,
      code: 'too-many-attempts',
      message: 'Too many failed login attempts from this address. Try again in 1 second.',
      retryAfterS: 1,
    });
    expect(describeError(new TooManyAttemptsError(119)).message).toMatch(/in 119 seconds\.$/);
    expect(describeError(new TooManyAttemptsError(121)).message).toMatch(/in 3 minutes\.$/);
  });

  it('should answer a database outage with a plain message, not the raw error', () => {
    const error = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3306'), {
      code: 'ECONNREFUSED',
    });
    expect(describeError(error).message).toBe('The database is not reachable; retrying.');
  });

  it('should not leak the message of an unexpected error', () => {
    expect(describeError(new Error('password=hunter2')).message).not.toContain('hunter2');
  });
});

describe('tidyFieldErrors', () => {
  it('should keep only the type message of a field of the wrong type', () => {
    expect(
      tidyFieldErrors({
        count: [
          'count must be at most 20',
          'count must be at least 1',
          'count must be a whole number',
        ],
        shrinkThreshold: ['shrinkThreshold must be below growThreshold'],
      }),
    ).toEqual({
      count: ['count must be a whole number'],
      shrinkThreshold: ['shrinkThreshold must be below growThreshold'],
    });
  });
});
