/**
 * WORKER_KEEP_ALIVE_TIMEOUT_MS is how long a worker keeps an idle keep-alive connection open
 * (Node's own default, set explicitly so the balancer can stay below it).
 */
export const WORKER_KEEP_ALIVE_TIMEOUT_MS = 5000;

/**
 * UPSTREAM_IDLE_SOCKET_MS is how long the balancer keeps an idle connection to a worker for
 * reuse: 1 s less than the worker's keep-alive timeout, so the balancer closes an idle socket
 * before the worker does and does not send a request on a socket the worker is closing (issue #9:
 * three uploads answered 502 ECONNRESET right after bursts).
 */
export const UPSTREAM_IDLE_SOCKET_MS = WORKER_KEEP_ALIVE_TIMEOUT_MS - 1000;

/**
 * WORKER_METRICS_PATH is where a worker serves its Prometheus metrics. The metrics service scrapes
 * each worker at its own address; the balancer answers 404 for it (issue #10: the request counts
 * and process details are not for the public).
 */
export const WORKER_METRICS_PATH = '/metrics';
