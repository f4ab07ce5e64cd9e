import { ConfigError } from '@app/config';
import { loadFleetConfig } from './fleet.config';

const AWS = {
  CLOUD_PROVIDER: 'aws',
  LAUNCH_TEMPLATE_ID: 'lt-0123456789abcdef0',
  TARGET_GROUP_ARN:
    'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/ebbflow/0123456789abcdef',
  LOAD_BALANCER_ARN:
    'arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/ebbflow/0123456789abcdef',
};

function problems(env: NodeJS.ProcessEnv): { variable: string; message: string }[] {
  try {
    loadFleetConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('loadFleetConfig', () => {
  it('should default to one local worker, a 2 s loop, 60 s grace and drain timeout', () => {
    const config = loadFleetConfig({});

    expect(config).toMatchObject({
      CLOUD_PROVIDER: 'local',
      INITIAL_WORKERS: 1,
      FLEET_RECONCILE_INTERVAL_MS: 2000,
      FLEET_UNHEALTHY_GRACE_S: 60,
      FLEET_DRAIN_TIMEOUT_S: 60,
      FLEET_KEEP_DESIRED_ON_START: 'auto',
      FLEET_LAUNCH_RETRY_MS: 5000,
      WORKER_PORT_AWS: 5000,
    });
  });

  it('should accept a complete aws configuration', () => {
    const config = loadFleetConfig({ ...AWS, LAUNCH_TEMPLATE_VERSION: '$Latest' });

    expect(config.LAUNCH_TEMPLATE_ID).toBe(AWS.LAUNCH_TEMPLATE_ID);
    expect(config.LAUNCH_TEMPLATE_VERSION).toBe('$Latest');
  });

  it.each([
    ['local mode', {}, 60],
    ["aws mode: EC2 Auto Scaling's health check grace period", AWS, 300],
    ['aws mode, explicit', { ...AWS, FLEET_UNHEALTHY_GRACE_S: '90' }, 90],
    ['local mode, explicit 0', { FLEET_UNHEALTHY_GRACE_S: '0' }, 0],
  ])('should default FLEET_UNHEALTHY_GRACE_S by mode (%s)', (_name, vars, graceS) => {
    expect(loadFleetConfig(vars).FLEET_UNHEALTHY_GRACE_S).toBe(graceS);
  });

  it('should name every aws identifier missing with CLOUD_PROVIDER=aws', () => {
    expect(problems({ CLOUD_PROVIDER: 'aws' })).toEqual([
      { variable: 'LAUNCH_TEMPLATE_ID', message: 'is required when CLOUD_PROVIDER=aws' },
      { variable: 'TARGET_GROUP_ARN', message: 'is required when CLOUD_PROVIDER=aws' },
      { variable: 'LOAD_BALANCER_ARN', message: 'is required when CLOUD_PROVIDER=aws' },
    ]);
  });

  it.each([
    ['FLEET_RECONCILE_INTERVAL_MS', 'soon', 'must be a number'],
    ['FLEET_RECONCILE_INTERVAL_MS', '10', 'must be at least 50'],
    ['INITIAL_WORKERS', '51', 'must be at most 50'],
    ['FLEET_UNHEALTHY_GRACE_S', '-1', 'must be at least 0'],
    ['FLEET_KEEP_DESIRED_ON_START', 'maybe', 'must be auto, true or false'],
    [
      'LAUNCH_TEMPLATE_ID',
      'template-1',
      'must be a launch template id such as lt-0123456789abcdef0',
    ],
    ['LAUNCH_TEMPLATE_VERSION', 'newest', 'must be a version number, $Latest or $Default'],
    ['WORKER_PORT_AWS', '70000', 'must be between 0 and 65535'],
  ])('should refuse %s=%s saying it %s', (variable, value, message) => {
    expect(problems({ ...AWS, [variable]: value })).toEqual([{ variable, message }]);
  });
});
