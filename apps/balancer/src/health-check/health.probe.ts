import { request } from 'http';
import { HealthCheckResult, TARGET_REASONS } from '../targets/target';

/** HealthProbeRequest is what one health check asks: where, which path, how long to wait. */
export interface HealthProbeRequest {
  host: string;
  port: number;
  path: string;
  timeoutMs: number;
}

/**
 * probeHealth makes one health check: GET `path` on a fresh connection (no keep-alive, so a
 * check proves the target still accepts connections). A 2xx answer within `timeoutMs` passes;
 * anything else fails with the ELBv2 reason code that says why. Never rejects.
 */
export function probeHealth({
  host,
  port,
  path,
  timeoutMs,
}: HealthProbeRequest): Promise<HealthCheckResult> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (result: HealthCheckResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(result);
    };
    const req = request(
      {
        host,
        port,
        path,
        method: 'GET',
        agent: false,
        headers: { 'user-agent': 'ebbflow-balancer-health-check' },
      },
      (res) => {
        // Drain the body so the socket closes cleanly; only the status matters.
        res.resume();
        const status = res.statusCode ?? 0;
        settle(
          status >= 200 && status < 300
            ? { passed: true }
            : {
                passed: false,
                reason: TARGET_REASONS.responseCodeMismatch,
                description: `Health checks failed with these codes: [${status}]`,
              },
        );
      },
    );
    const timer = setTimeout(
      () =>
        settle({
          passed: false,
          reason: TARGET_REASONS.timeout,
          description: `Request timed out (no answer within ${timeoutMs} ms)`,
        }),
      timeoutMs,
    );
    req.on('error', (error: NodeJS.ErrnoException) =>
      settle({
        passed: false,
        reason: TARGET_REASONS.failedHealthChecks,
        description: `Health checks failed: ${error.code ?? error.message}`,
      }),
    );
    req.end();
  });
}
