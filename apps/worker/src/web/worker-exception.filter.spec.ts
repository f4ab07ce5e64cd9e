import { BadRequestException, NotFoundException, PayloadTooLargeException } from '@nestjs/common';
import { UserError } from '../common/user-error';
import { safeNextPath } from './page-model';
import { isJsonPath, toProblem } from './worker-exception.filter';

describe('toProblem', () => {
  it.each([
    [
      'a UserError as it is',
      new UserError(415, 'not_an_image', 'Not a picture.', 'file'),
      { status: 415, error: { code: 'not_an_image', message: 'Not a picture.', field: 'file' } },
    ],
    [
      "Nest's 404 as a friendly page",
      new NotFoundException('Cannot GET /x'),
      { status: 404, error: { code: 'not_found', message: 'There is no such page.' } },
    ],
    [
      'a 413 from the body parser',
      new PayloadTooLargeException(),
      { status: 413, error: { code: 'too_large', message: 'The request is too large.' } },
    ],
    [
      'other 4xx with their message',
      new BadRequestException('Unexpected token } in JSON'),
      { status: 400, error: { code: 'invalid_field', message: 'Unexpected token } in JSON' } },
    ],
    [
      'an http-error that may be shown',
      Object.assign(new Error('request entity too large'), { status: 413, expose: true }),
      { status: 413, error: { code: 'too_large', message: 'request entity too large' } },
    ],
    [
      'an http-error that must not be shown',
      Object.assign(new Error('secret detail'), { status: 400, expose: false }),
      { status: 400, error: { code: 'invalid_field', message: 'Bad request.' } },
    ],
    [
      'anything else as a 500 without details (they may hold SQL or paths)',
      new Error("ER_NO_SUCH_TABLE: Table 'x.images' doesn't exist"),
      {
        status: 500,
        error: {
          code: 'internal_error',
          message: 'Something went wrong on our side. Please try again.',
        },
      },
    ],
  ])('should answer %s', (_name, error, expected) => {
    expect(toProblem(error)).toEqual(expected);
  });
});

describe('isJsonPath', () => {
  it.each([
    ['/api/upload', true],
    ['/api/load/cpu', true],
    ['/health', true],
    ['/health/deep', true],
    ['/healthy', false],
    ['/metrics', true],
    ['/pictures', false],
    ['/apiary', false],
  ])('%s → %p', (path, json) => {
    expect(isJsonPath(path)).toBe(json);
  });
});

describe('safeNextPath', () => {
  it.each([
    ['/pictures/abc', '/pictures/abc'],
    ['/upload?x=1', '/upload?x=1'],
    ['//evil.example/', '/pictures'],
    ['https://evil.example/', '/pictures'],
    ['/\\evil.example', '/pictures'],
    [undefined, '/pictures'],
    [['/a'], '/pictures'],
  ])('%p → %p (only paths of this site)', (value, expected) => {
    expect(safeNextPath(value)).toBe(expected);
  });
});
