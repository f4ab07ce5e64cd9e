import { safeNext } from './gateway-exception.filter';
import { requestKind } from './request-kind';

describe('safeNext', () => {
  it.each([
    ['/workers', '/workers'],
    ['/workers/i-0123abcd?x=1', '/workers/i-0123abcd?x=1'],
    ['//evil.example/', '/'],
    ['/\\evil.example', '/'],
    ['https://evil.example/', '/'],
    ['/login?next=/x', '/'],
    [undefined, '/'],
    [['/a'], '/'],
  ])('should turn %j into %s', (input, expected) => {
    expect(safeNext(input)).toBe(expected);
  });
});

describe('requestKind', () => {
  it.each([
    ['/api', 'api'],
    ['/api/workers', 'api'],
    ['/apiary', 'page'],
    ['/live/workers', 'live'],
    ['/workers', 'page'],
    ['/health', 'page'],
  ])('should classify %s as %s', (path, kind) => {
    expect(requestKind({ path })).toBe(kind);
  });
});
