import 'reflect-metadata';
import { INSTANCE_ID_PATTERN } from '@app/contracts';
import { DEFAULT_WORKER_ENV_PASS } from './local-cloud.config';
import { filterWorkerEnv, newInstanceId } from './local.compute.adapter';

describe('filterWorkerEnv with DEFAULT_WORKER_ENV_PASS', () => {
  const fleetEnv = {
    PATH: '/usr/bin',
    DATABASE_URL: 'mysql://root@127.0.0.1:3306/ebbflow',
    S3_ENDPOINT: 'http://127.0.0.1:4569',
    S3_ACCESS_KEY_ID: 'EBBKEY',
    S3_SECRET_ACCESS_KEY: 'generated-by-npm-start',
    AWS_REGION: 'us-east-1',
    CLOUD_PROVIDER: 'local',
    SESSION_TTL_S: '3600',
    UPLOAD_MAX_BYTES: '1024',
    PRESIGN_TTL_S: '60',
    METRICS_PUBLISH_INTERVAL_S: '60',
    APP_COOKIE_SECURE: 'auto',
    AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672',
    MANAGER_PASSWORD: 'secret',
    FLEET_STATE_DIR: 'var/fleet',
    NODE_OPTIONS: '--inspect=9229',
  };

  it('should pass what the user app reads', () => {
    expect(Object.keys(filterWorkerEnv(fleetEnv, DEFAULT_WORKER_ENV_PASS)).sort()).toEqual(
      [
        'APP_COOKIE_SECURE',
        'AWS_REGION',
        'CLOUD_PROVIDER',
        'DATABASE_URL',
        'METRICS_PUBLISH_INTERVAL_S',
        'PATH',
        'PRESIGN_TTL_S',
        'S3_ENDPOINT',
        // The local S3 server's key pair: a worker without it cannot store a picture.
        'S3_ACCESS_KEY_ID',
        'S3_SECRET_ACCESS_KEY',
        'SESSION_TTL_S',
        'UPLOAD_MAX_BYTES',
      ].sort(),
    );
  });

  it.each(['AMQP_URL', 'MANAGER_PASSWORD', 'FLEET_STATE_DIR', 'NODE_OPTIONS'])(
    'should keep %s with the fleet (the worker has no use for it, or it would break it)',
    (name) => {
      expect(filterWorkerEnv(fleetEnv, DEFAULT_WORKER_ENV_PASS)).not.toHaveProperty(name);
    },
  );

  it('should match exact names exactly (PATH does not pass PATHEXT)', () => {
    expect(filterWorkerEnv({ PATH: 'a', PATHEXT: 'b' }, 'PATH')).toEqual({ PATH: 'a' });
  });
});

describe('newInstanceId', () => {
  it('should look like an EC2 instance id (i- and 17 hex digits) and differ each time', () => {
    const ids = new Set(Array.from({ length: 50 }, newInstanceId));
    expect(ids.size).toBe(50);
    for (const id of ids) expect(id).toMatch(/^i-[0-9a-f]{17}$/);
    for (const id of ids) expect(id).toMatch(INSTANCE_ID_PATTERN);
  });
});
