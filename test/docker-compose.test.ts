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
const compose = load(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, ComposeService>;
};
const services = compose.services;

describe('docker-compose.yml', () => {
  it('should run RabbitMQ with its management UI on 15672 and MySQL', () => {
    expect(services.rabbitmq.image).toMatch(/^rabbitmq:.*management/);
    expect(services.rabbitmq.ports).toEqual(expect.arrayContaining(['5672:5672', '15672:15672']));
    expect(services.mysql.image).toMatch(/^mysql:/);
  });

  it.each(['gateway', 'fleet', 'metrics', 'scaler', 'janitor', 'balancer'])(
    'should run the %s app from its built entry file, wired to the broker and the database',
    (app) => {
      const svc = services[app];
      expect(svc).toBeDefined();
      expect(svc.command).toEqual(['node', `dist/apps/${app}/src/main.js`]);
      expect(svc.environment?.AMQP_URL).toBe('amqp://guest:guest@rabbitmq:5672');
      expect(svc.environment?.DATABASE_URL).toMatch(/^mysql:\/\/root:[^@]+@mysql:3306\/ebbflow$/);
      expect(svc.environment?.CLOUD_PROVIDER).toBe('local');
    },
  );

  it('should publish the manager on 5000 and the balancer on 8080', () => {
    expect(services.gateway.ports).toContain('5000:5000');
    // The balancer shares the fleet's network namespace (it must reach the fleet's worker
    // processes on 127.0.0.1), so the port is published on the fleet service.
    expect(services.balancer.network_mode).toBe('service:fleet');
    expect(services.fleet.ports).toContain('8080:8080');
  });

  it('should give the balancer and the fleet the same admin token', () => {
    const token = services.balancer.environment?.BALANCER_ADMIN_TOKEN;
    expect(token).toMatch(/^\$\{BALANCER_ADMIN_TOKEN:-.{16,}\}$/);
    expect(services.fleet.environment?.BALANCER_ADMIN_TOKEN).toBe(token);
  });

  it('should run the local S3 server and point every service at it', () => {
    expect(services.s3.command).toEqual(['node', 'dist/libs/storage/src/local-s3.main.js']);
    for (const name of ['fleet', 'janitor', 'gateway']) {
      expect(services[name].environment?.S3_ENDPOINT).toBe('http://s3:4569');
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
