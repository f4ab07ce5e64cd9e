import { sessionSecretOf } from './session-secret';

describe('sessionSecretOf', () => {
  it('should use SESSION_SECRET when it is set', () => {
    expect(
      sessionSecretOf({ SESSION_SECRET: 'a-configured-secret', MANAGER_PASSWORD: 'pw-12345678' }),
    ).toBe('a-configured-secret');
  });

  it('should derive a stable secret from MANAGER_PASSWORD, not the password itself', () => {
    const a = sessionSecretOf({ MANAGER_PASSWORD: 'correct horse battery' });
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(sessionSecretOf({ MANAGER_PASSWORD: 'correct horse battery' })).toBe(a);
    expect(a).not.toContain('correct horse battery');
    expect(sessionSecretOf({ MANAGER_PASSWORD: 'another password' })).not.toBe(a);
  });

  it('should be random per call when neither is set', () => {
    const a = sessionSecretOf({});
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(sessionSecretOf({})).not.toBe(a);
  });
});
