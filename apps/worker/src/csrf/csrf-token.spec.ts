import type { WorkerSession } from '../session/session-data';
import { csrfTokenFor, isValidCsrfToken } from './csrf-token';

const session = () => ({}) as WorkerSession;

describe('CSRF synchronizer token', () => {
  it('should create one token per session and keep it', () => {
    const s = session();
    const token = csrfTokenFor(s);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(csrfTokenFor(s)).toBe(token);
    expect(csrfTokenFor(session())).not.toBe(token);
  });

  it('should accept only the session token', () => {
    const s = session();
    const token = csrfTokenFor(s);
    expect(isValidCsrfToken(s, token)).toBe(true);
    expect(isValidCsrfToken(s, token.slice(1))).toBe(false);
    expect(isValidCsrfToken(s, `${token.slice(0, -1)}x`.replace(token, 'y'))).toBe(false);
    expect(isValidCsrfToken(s, csrfTokenFor(session()))).toBe(false);
    expect(isValidCsrfToken(s, undefined)).toBe(false);
    expect(isValidCsrfToken(s, [token])).toBe(false);
    expect(isValidCsrfToken(s, '')).toBe(false);
  });

  it('should refuse everything when the session has no token yet', () => {
    expect(isValidCsrfToken(session(), '')).toBe(false);
    expect(isValidCsrfToken(session(), 'anything')).toBe(false);
    expect(isValidCsrfToken(undefined, 'anything')).toBe(false);
  });
});
