/**
 * WORKER_PORT_LOCAL_DEFAULT is the port a local worker listens on when WORKER_PORT is unset (the
 * local compute adapter gives each worker its own port explicitly).
 */
export const WORKER_PORT_LOCAL_DEFAULT = 5001;

/**
 * WORKER_PORT_AWS_DEFAULT is the one port of an EC2 worker: the worker's WORKER_PORT default with
 * CLOUD_PROVIDER=aws and the fleet's WORKER_PORT_AWS default (the port targets are registered on),
 * so a worker started without WORKER_PORT listens where the target group sends requests.
 * A plain file without decorators, so the worker's config imports it without the contracts' DTOs.
 */
export const WORKER_PORT_AWS_DEFAULT = 5000;

/** WORKER_HOST_AWS_DEFAULT: an EC2 worker listens on every interface (the ALB reaches its private IP). */
export const WORKER_HOST_AWS_DEFAULT = '0.0.0.0';

/** WORKER_HOST_LOCAL_DEFAULT: a local worker listens on loopback only (behind the local balancer). */
export const WORKER_HOST_LOCAL_DEFAULT = '127.0.0.1';
