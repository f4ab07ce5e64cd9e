import { CsrfSession, ensureCsrfToken, rotateCsrfToken, verifyCsrfToken } from './csrf';

describe('CSRF synchronizer token', () => {
  it('should create one token per session and keep it', () => {
    const session: CsrfSession = {};
    const token = ensureCsrfToken(session);
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(ensureCsrfToken(session)).toBe(token);
  });

  it('should accept only the session token', () => {
    const session: CsrfSession = {};
    const token = ensureCsrfToken(session);
    expect(verifyCsrfToken(session, token)).toBe(true);
    expect(verifyCsrfToken(session, `${token}x`)).toBe(false);
    expect(verifyCsrfToken(session, '')).toBe(false);
    expect(verifyCsrfToken(session, undefined)).toBe(false);
    expect(verifyCsrfToken(session, [token])).toBe(false);
  });

  it('should refuse everything for a session without a token', () => {
    expect(verifyCsrfToken({}, 'anything')).toBe(false);
    expect(verifyCsrfToken(undefined, 'anything')).toBe(false);
  });

  it('should make the old token useless after rotation (login)', () => {
    const session: CsrfSession = {};
    const before = ensureCsrfToken(session);
    const after = rotateCsrfToken(session);
    expect(after).not.toBe(before);
    expect(verifyCsrfToken(session, before)).toBe(false);
    expect(verifyCsrfToken(session, after)).toBe(true);
  });
});
