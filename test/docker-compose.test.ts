import { readFileSync } from 'fs';
import { load } from 'js-yaml';
import path from 'path';

type ComposeService = {
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  network_mode?: string;
  image?: string;
  build?: string;
};

const root = path.resolve(__dirname, '..');
const text = readFileSync(path.join(root, 'docker-compose.yml'), 'utf8');
const compose = load(text) as { services: Record<string, ComposeService> };
const services = compose.services;
const APPS = ['gateway', 'fleet', 'metrics', 'scaler', 'janitor', 'balancer'];

/** A compose reference to a variable that must be set: `${NAME:?message}`, no default. */
const REQUIRED = /^\$\{([A-Z0-9_]+):\?[^}]+\}$/;
const requiredVariable = (value: string | undefined) => REQUIRED.exec(value ?? '')?.[1];

/** The host port of each published port of every service. */
const published = Object.entries(services).flatMap(([name, svc]) =>
  (svc.ports ?? []).map((port) => ({ name, host: String(port).split(':').slice(-2)[0] })),
);

describe('docker-compose.yml', () => {
  it('should have no guest credentials anywhere (RabbitMQ creates none with a default user)', () => {
    expect(text).not.toMatch(/guest/i);
    const rabbit = services.rabbitmq.environment ?? {};
    expect(rabbit.RABBITMQ_DEFAULT_USER).toBe('ebbflow');
    expect(rabbit.RABBITMQ_DEFAULT_VHOST).toBe('ebbflow');
    expect(requiredVariable(rabbit.RABBITMQ_DEFAULT_PASS)).toBe('EBBFLOW_AMQP_PASSWORD');
  });

  it('should publish only the manager (5000), the app (8080) and the S3 port for browsers (4569)', () => {
    expect(published.map((p) => `${p.name}:${p.host}`).sort()).toEqual(
      ['fleet:8080', 'gateway:5000', 's3:4569'].sort(),
    );
    // The balancer shares the fleet's network namespace (it must reach the fleet's worker
    // processes on 127.0.0.1), so the app's port is published on the fleet service.
    expect(services.balancer.network_mode).toBe('service:fleet');
  });

  it('should keep the broker, its management UI and the database on the internal network', () => {
    expect(services.rabbitmq.image).toMatch(/^rabbitmq:/);
    expect(services.mysql.image).toMatch(/^mysql:/);
    expect(services.rabbitmq.ports).toBeUndefined();
    expect(services.mysql.ports).toBeUndefined();
    expect(published.map((p) => p.host)).not.toEqual(
      expect.arrayContaining([expect.stringMatching(/^(5672|15672|3306)$/)]),
    );
  });

  it('should give MySQL a password from the environment and no empty root', () => {
    const mysql = services.mysql.environment ?? {};
    expect(mysql.MYSQL_ALLOW_EMPTY_PASSWORD).toBeUndefined();
    expect(mysql.MYSQL_ROOT_PASSWORD).toBeUndefined();
    expect(mysql.MYSQL_RANDOM_ROOT_PASSWORD).toBe('yes');
    expect(mysql.MYSQL_USER).toBe('ebbflow');
    expect(requiredVariable(mysql.MYSQL_PASSWORD)).toBe('EBBFLOW_MYSQL_PASSWORD');
  });

  it.each(APPS)(
    'should run the %s app from its built entry file, as the compose broker and database users',
    (app) => {
      const svc = services[app];
      expect(svc.command).toEqual(['node', `dist/apps/${app}/src/main.js`]);
      expect(svc.environment?.AMQP_URL).toBe(
        'amqp://ebbflow:${EBBFLOW_AMQP_PASSWORD:?set EBBFLOW_AMQP_PASSWORD}@rabbitmq:5672/ebbflow',
      );
      expect(svc.environment?.DATABASE_URL).toBe(
        'mysql://ebbflow:${EBBFLOW_MYSQL_PASSWORD:?set EBBFLOW_MYSQL_PASSWORD}@mysql:3306/ebbflow',
      );
      expect(svc.environment?.CLOUD_PROVIDER).toBe('local');
    },
  );

  it('should pass the same S3 key pair, from the environment, to the S3 server, the fleet (its workers) and the janitor', () => {
    const s3 = services.s3.environment ?? {};
    expect(services.s3.command).toEqual(['node', 'dist/libs/storage/src/local-s3.main.js']);
    // Inside a container 127.0.0.1 is reachable from nowhere else.
    expect(s3.S3_HOST).toBe('0.0.0.0');
    expect(requiredVariable(s3.S3_ACCESS_KEY_ID)).toBe('S3_ACCESS_KEY_ID');
    expect(requiredVariable(s3.S3_SECRET_ACCESS_KEY)).toBe('S3_SECRET_ACCESS_KEY');
    for (const name of ['fleet', 'janitor']) {
      const env = services[name].environment ?? {};
      expect(env.S3_ENDPOINT).toBe('http://s3:4569');
      expect(env.S3_ACCESS_KEY_ID).toBe(s3.S3_ACCESS_KEY_ID);
      expect(env.S3_SECRET_ACCESS_KEY).toBe(s3.S3_SECRET_ACCESS_KEY);
      expect(env.S3_BUCKET).toBe(s3.S3_BUCKET);
    }
    // The fleet's workers inherit S3_* (WORKER_ENV_PASS); unless the fleet narrows it.
    expect(services.fleet.environment?.WORKER_ENV_PASS).toBeUndefined();
  });

  it('should give the balancer and the fleet the same admin token, from the environment', () => {
    const token = services.balancer.environment?.BALANCER_ADMIN_TOKEN;
    expect(requiredVariable(token)).toBe('BALANCER_ADMIN_TOKEN');
    expect(services.fleet.environment?.BALANCER_ADMIN_TOKEN).toBe(token);
  });

  it('should run the local S3 server and point every service at it', () => {
    expect(services.s3.command).toEqual(['node', 'dist/libs/storage/src/local-s3.main.js']);
    for (const name of ['fleet', 'janitor', 'gateway']) {
      expect(services[name].environment?.S3_ENDPOINT).toBe('http://s3:4569');
    }
  });

  it('should take every password and secret from the environment, never a value in the file', () => {
    for (const [name, svc] of Object.entries(services)) {
      for (const [variable, value] of Object.entries(svc.environment ?? {})) {
        if (!/PASS|SECRET|TOKEN/.test(variable) || variable === 'MYSQL_RANDOM_ROOT_PASSWORD')
          continue;
        expect({
          service: name,
          variable,
          required: requiredVariable(value) !== undefined,
        }).toEqual({ service: name, variable, required: true });
      }
    }
  });

  it('should only name entry files that the build produces from existing sources', () => {
    for (const svc of Object.values(services)) {
      const entry = svc.command?.[1];
      if (!entry) continue;
      const source = entry.replace(/^dist\//, '').replace(/\.js$/, '.ts');
      expect(() => readFileSync(path.join(root, source))).not.toThrow();
    }
  });
});
