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
  ])('should name %s when it is wrong', (variable, value) => {
    try {
      loadGatewayConfig({ [variable]: value });
      throw new Error('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems.map((p) => p.variable)).toEqual([variable]);
    }
  });
});
