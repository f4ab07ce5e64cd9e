import { ManagerCredentials, MANAGER_USER, parseBasicAuth, safeEqual } from './credentials';

const basic = (text: string) => `Basic ${Buffer.from(text, 'utf8').toString('base64')}`;

describe('safeEqual', () => {
  it.each([
    ['same text', 'secret', 'secret', true],
    ['different text of the same length', 'secret', 'secreT', false],
    ['a prefix (lengths differ)', 'secret', 'secret-and-more', false],
    ['empty against non-empty', '', 'x', false],
    ['unicode', 'pässwörd', 'pässwörd', true],
  ])('should compare %s', (_what, a, b, expected) => {
    expect(safeEqual(a, b)).toBe(expected);
  });
});

describe('parseBasicAuth', () => {
  it('should read user and password, the password may contain colons', () => {
    expect(parseBasicAuth(basic('admin:pa:ss'))).toEqual({ user: 'admin', password: 'pa:ss' });
  });

  it.each([
    ['no header', undefined],
    ['another scheme', 'Bearer abc'],
    ['no colon', basic('admin')],
    ['not base64', 'Basic ***'],
  ])('should give nothing for %s', (_what, header) => {
    expect(parseBasicAuth(header)).toBeUndefined();
  });
});

describe('ManagerCredentials', () => {
  it('should accept only admin with the configured password', () => {
    const credentials = ManagerCredentials.fromConfig('a-long-password');
    expect(credentials.generated).toBe(false);
    expect(credentials.verify(MANAGER_USER, 'a-long-password')).toBe(true);
    expect(credentials.verify(MANAGER_USER, 'a-long-passwore')).toBe(false);
    expect(credentials.verify('root', 'a-long-password')).toBe(false);
  });

  it('should generate a strong random password when none is configured', () => {
    const a = ManagerCredentials.fromConfig(undefined);
    const b = ManagerCredentials.fromConfig(undefined);
    expect(a.generated).toBe(true);
    expect(a.password).toMatch(/^[A-Za-z0-9_-]{20}$/);
    expect(a.password).not.toBe(b.password);
  });
});
