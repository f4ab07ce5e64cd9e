import { checkAdminAccess } from './admin-access.middleware';

const TOKEN = 'the-admin-token-0123456789';
const PORT = 8081;

describe('checkAdminAccess', () => {
  it.each([
    // [name, host, authorization, expected status (null: allowed)]
    ['the token and 127.0.0.1:<port>', '127.0.0.1:8081', `Bearer ${TOKEN}`, null],
    ['the token and localhost:<port> (any case)', 'LocalHost:8081', `bearer ${TOKEN}`, null],
    ['no Authorization header', '127.0.0.1:8081', undefined, 401],
    ['another scheme (Basic)', '127.0.0.1:8081', `Basic ${TOKEN}`, 401],
    ['a wrong token', '127.0.0.1:8081', 'Bearer the-admin-token-0123456788', 401],
    ['a prefix of the token', '127.0.0.1:8081', `Bearer ${TOKEN.slice(0, 10)}`, 401],
    ['the token with more after it', '127.0.0.1:8081', `Bearer ${TOKEN}x`, 401],
    // DNS rebinding: a page on evil.example whose name now points at 127.0.0.1.
    ['a foreign Host, even with the token', 'evil.example:8081', `Bearer ${TOKEN}`, 403],
    ['the right host on another port', '127.0.0.1:9999', `Bearer ${TOKEN}`, 403],
    ['a Host without port', 'localhost', `Bearer ${TOKEN}`, 403],
    ['no Host header', undefined, `Bearer ${TOKEN}`, 403],
  ])('%s → %s', (_name, host, authorization, status) => {
    expect(checkAdminAccess(TOKEN, host, authorization, PORT)?.status ?? null).toBe(status);
  });

  it('should tell a caller without a token what to send, without showing the token', () => {
    const refusal = checkAdminAccess(TOKEN, '127.0.0.1:8081', undefined, PORT);
    expect(refusal?.message).toContain('Authorization: Bearer <BALANCER_ADMIN_TOKEN>');
    expect(refusal?.message).not.toContain(TOKEN);
  });
});
