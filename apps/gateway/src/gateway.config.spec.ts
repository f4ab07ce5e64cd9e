import { ConfigError } from '@app/config';
import { loadGatewayConfig } from './gateway.config';

describe('loadGatewayConfig', () => {
  it('should default to port 5000 on every interface, with the documented timeouts', () => {
    expect(loadGatewayConfig({})).toMatchObject({
      GATEWAY_PORT: 5000,
      GATEWAY_HOST: '0.0.0.0',
      MANAGER_PASSWORD: undefined,
      SESSION_SECRET: undefined,
      HEALTH_PING_TIMEOUT_MS: 1500,
      CLEAR_TIMEOUT_S: 120,
      SHUTDOWN_TIMEOUT_S: 120,
      LOGIN_MAX_FAILURES: 5,
      LOGIN_WINDOW_S: 300,
      LOGIN_MAX_FAILURES_PER_ADDRESS: 20,
      MANAGER_ALLOWED_ORIGINS: [],
      MANAGER_COOKIE_SECURE: 'auto',
      MANAGER_TRUST_PROXY: ['loopback'],
      DATABASE_URL: 'mysql://root@127.0.0.1:3306/ebbflow',
    });
  });

  it.each([
    ['GATEWAY_PORT', 'http'],
    ['MANAGER_PASSWORD', 'short'],
    ['SESSION_SECRET', 'too-short'],
    ['CLEAR_TIMEOUT_S', '0'],
    ['HEALTH_PING_TIMEOUT_MS', 'soon'],
    ['DATABASE_URL', 'postgres://x/y'],
    ['LOGIN_MAX_FAILURES', '0'],
    ['LOGIN_WINDOW_S', 'five minutes'],
    ['LOGIN_MAX_FAILURES_PER_ADDRESS', '-1'],
    ['MANAGER_ALLOWED_ORIGINS', 'ops.example.com'],
    ['MANAGER_ALLOWED_ORIGINS', 'https://ops.example.com/path'],
    ['MANAGER_ALLOWED_ORIGINS', 'javascript:alert(1)'],
    ['MANAGER_COOKIE_SECURE', 'yes'],
    ['MANAGER_TRUST_PROXY', 'true'],
    ['MANAGER_TRUST_PROXY', '10.0.0.0/8,somewhere'],
  ])('should name %s when it is wrong', (variable, value) => {
    try {
      loadGatewayConfig({ [variable]: value });
      throw new Error('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems.map((p) => p.variable)).toEqual([variable]);
    }
  });

  it.each([
    ['https://ops.example.com', ['https://ops.example.com']],
    [
      'https://OPS.example.com:443, http://10.0.0.5:8080',
      ['https://ops.example.com', 'http://10.0.0.5:8080'],
    ],
    ['', []],
  ])('should read MANAGER_ALLOWED_ORIGINS %j as origins', (value, origins) => {
    expect(loadGatewayConfig({ MANAGER_ALLOWED_ORIGINS: value }).MANAGER_ALLOWED_ORIGINS).toEqual(
      origins,
    );
  });

  it.each([
    ['false', false],
    ['2', 2],
    ['loopback, 10.0.0.0/8', ['loopback', '10.0.0.0/8']],
    ['::1', ['::1']],
  ])('should read MANAGER_TRUST_PROXY %j as %j', (value, trust) => {
    expect(loadGatewayConfig({ MANAGER_TRUST_PROXY: value }).MANAGER_TRUST_PROXY).toEqual(trust);
  });
});
