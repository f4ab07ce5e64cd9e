import { cookieSecureOption, sendsHsts } from './gateway.app';

describe('MANAGER_COOKIE_SECURE', () => {
  it.each([
    ['auto', 'auto'],
    ['true', true],
    ['false', false],
  ] as const)('should make %s the session cookie option %j', (mode, option) => {
    expect(cookieSecureOption(mode)).toBe(option);
  });

  it.each([
    ['auto', true, true],
    ['auto', false, false],
    ['true', true, true],
    // Over plain HTTP a browser ignores HSTS (RFC 6797 §8.1): not sent.
    ['true', false, false],
    ['false', true, false],
    ['false', false, false],
  ] as const)('should with %s and an HTTPS request %j send HSTS: %j', (mode, secure, hsts) => {
    expect(sendsHsts(mode, secure)).toBe(hsts);
  });
});
