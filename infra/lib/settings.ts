/**
 * settings.ts: the numbers of the deploy kit, each in ONE place. The worker's port is used by the
 * target group, the security groups, the workers' user data and the manager's WORKER_PORT_AWS.
 */

/** WORKER_PORT is the port the workers listen on in EC2 (README: WORKER_PORT_AWS, default 5000). */
export const WORKER_PORT = 5000;
/** GATEWAY_PORT is the manager's HTTP port (README: GATEWAY_PORT, default 5000). */
export const GATEWAY_PORT = 5000;
/** HTTP_PORT is the ALB listener's port (the app's public address is http://<ALB DNS>). */
export const HTTP_PORT = 80;
/** MYSQL_PORT is the RDS instance's port. */
export const MYSQL_PORT = 3306;
/** AMQP_PORT is RabbitMQ's port on the manager host (bound to 127.0.0.1 only). */
export const AMQP_PORT = 5672;

/** HEALTH_CHECK_PATH is the worker's health route, as the local balancer checks it. */
export const HEALTH_CHECK_PATH = '/health';
/**
 * HEALTH_CHECK is the target group's health check. The local balancer's defaults (README:
 * BALANCER_HEALTH_INTERVAL_MS 2000, BALANCER_HEALTH_TIMEOUT_MS 1500, BALANCER_HEALTHY_THRESHOLD 2,
 * BALANCER_UNHEALTHY_THRESHOLD 2) are kept where an ALB allows them: the thresholds are the same;
 * the interval is 5 s and the timeout 2 s, the smallest values an ALB accepts.
 */
export const HEALTH_CHECK = {
  intervalS: 5,
  timeoutS: 2,
  healthyThreshold: 2,
  unhealthyThreshold: 2,
} as const;
/**
 * DRAIN_TIMEOUT_S is the fleet's FLEET_DRAIN_TIMEOUT_S default (60): the target group's
 * deregistration delay is the same, so ELB lets a draining worker finish exactly as long as the
 * fleet waits before it terminates it. The manager is started with this value too.
 */
export const DRAIN_TIMEOUT_S = 60;
/**
 * UNHEALTHY_GRACE_S is the manager's FLEET_UNHEALTHY_GRACE_S on AWS. The default (60 s) suits
 * local worker processes; an EC2 worker boots, installs Node.js and `npm ci`s the bundle first
 * (two to four minutes), and would otherwise be replaced before it ever answered.
 */
export const UNHEALTHY_GRACE_S = 600;
/** SCALER_WINDOW_S is the manager's SCALER_WINDOW_S on AWS (README: use ≥ 300, CloudWatch is late). */
export const SCALER_WINDOW_S = 300;

/** CLOUDWATCH_NAMESPACE is the namespace the workers publish HTTPRequests under (apps/worker/src/metrics). */
export const CLOUDWATCH_NAMESPACE = 'Ebbflow';

/** MANAGED_TAG is the tag the EC2 adapter puts on every instance it launches (libs/cloud). */
export const MANAGED_TAG = { key: 'ebbflow:managed', value: 'true' } as const;
/** STACK_TAG_KEY carries the stack's name on every worker (`ebbflow:stack=<name>`). */
export const STACK_TAG_KEY = 'ebbflow:stack';

/** DATABASE_NAME is the one MySQL database of the stack. */
export const DATABASE_NAME = 'ebbflow';
/** MySQL users: one for the workers, one for the manager's services, one the janitor shares. */
export const WORKER_DB_USER = 'ebbflow_worker';
export const MANAGER_DB_USER = 'ebbflow_manager';
/** RabbitMQ's user and vhost on the manager host. */
export const AMQP_USER = 'ebbflow';
export const AMQP_VHOST = 'ebbflow';
/** RABBITMQ_IMAGE is the broker the manager host runs (Amazon Linux 2023 ships no RabbitMQ). */
export const RABBITMQ_IMAGE = 'rabbitmq:3.13-alpine';

/** Paths on the instances. */
export const APP_DIR = '/opt/ebbflow';
export const ENV_DIR = '/etc/ebbflow';

/** MANAGER_SERVICES are the services the manager host runs (README: Running on AWS). */
export const MANAGER_SERVICES = ['fleet', 'metrics', 'scaler', 'janitor', 'gateway'] as const;

/** Default sizes; each can be changed with a context value (see bin/ebbflow.ts). */
export const DEFAULTS = {
  stackName: 'ebbflow',
  workerInstanceType: 't3.micro',
  managerInstanceType: 't3.small',
  databaseInstanceType: 't3.micro',
  databaseStorageGb: 20,
  maxAzs: 2,
} as const;
