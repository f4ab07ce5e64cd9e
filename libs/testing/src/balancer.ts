/** TEST_BALANCER_ADMIN_TOKEN is the admin token of the balancers tests start (not a secret). */
export const TEST_BALANCER_ADMIN_TOKEN = 'test-balancer-admin-token-0123456789';

/** BALANCER_ADMIN_AUTH is the header a test sends to the admin API of such a balancer. */
export const BALANCER_ADMIN_AUTH: Readonly<Record<string, string>> = {
  authorization: `Bearer ${TEST_BALANCER_ADMIN_TOKEN}`,
};

/**
 * FAST_BALANCER_ENV configures the local balancer for tests: ports chosen by the OS on 127.0.0.1
 * and fast health checks, so a target changes state within a second; the timeout is generous for
 * a loaded 2-core machine; the admin token is TEST_BALANCER_ADMIN_TOKEN. Tests add their own
 * BALANCER_DEREGISTRATION_DELAY_MS and BALANCER_STATE_FILE.
 */
export const FAST_BALANCER_ENV: Readonly<Record<string, string>> = {
  BALANCER_PORT: '0',
  BALANCER_HOST: '127.0.0.1',
  BALANCER_ADMIN_PORT: '0',
  BALANCER_HEALTH_INTERVAL_MS: '250',
  BALANCER_HEALTH_TIMEOUT_MS: '200',
  BALANCER_HEALTHY_THRESHOLD: '2',
  BALANCER_UNHEALTHY_THRESHOLD: '2',
  BALANCER_ADMIN_TOKEN: TEST_BALANCER_ADMIN_TOKEN,
};
