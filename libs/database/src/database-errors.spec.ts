import { QueryFailedError } from 'typeorm';
import { isDatabaseUnreachable } from './database-errors';

const withCode = (code: string, message = code) => Object.assign(new Error(message), { code });

describe('isDatabaseUnreachable', () => {
  it.each([
    ['a refused connection (MySQL down)', withCode('ECONNREFUSED', 'connect ECONNREFUSED'), true],
    ['a reset connection (a proxy or server closing it)', withCode('ECONNRESET'), true],
    ['a connection lost mid-query', withCode('PROTOCOL_CONNECTION_LOST'), true],
    ['a connect timeout', withCode('ETIMEDOUT'), true],
    [
      'a pooled connection mysql2 already closed (no code, only its message)',
      new Error("Can't add new command when connection is in closed state"),
      true,
    ],
    [
      "TypeORM's QueryFailedError around a lost connection",
      new QueryFailedError('SELECT 1', [], withCode('PROTOCOL_CONNECTION_LOST')),
      true,
    ],
    // Bugs and bad input are not outages: they keep their own answers (500, 400, ...).
    ['a SQL syntax error', withCode('ER_PARSE_ERROR'), false],
    ['a duplicate key', withCode('ER_DUP_ENTRY'), false],
    ['a plain error', new Error('something else'), false],
    ['not an error at all', 'ECONNREFUSED', false],
    ['nothing', undefined, false],
  ])('%s → %s', (_name, error, expected) => {
    expect(isDatabaseUnreachable(error)).toBe(expected);
  });
});
