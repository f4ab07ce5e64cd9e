import { readFile } from 'fs/promises';
import { request } from 'http';

/** WORKER_INSTANCE_HEADER is the header every worker response carries with its instance id. */
export const WORKER_INSTANCE_HEADER = 'x-ebbflow-instance';

/** Proof is whether a pid is (yes), is not (no) or cannot be shown to be (unknown) a worker. */
export type Proof = 'yes' | 'no' | 'unknown';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * pidExists: a process with this pid exists (a zombie still counts; see processGone). EPERM
 * means it exists but belongs to another user.
 */
export function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** processGone: the pid has exited (a zombie waiting to be reaped has exited too). */
export async function processGone(pid: number): Promise<boolean> {
  if (!pidExists(pid)) return true;
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Field 3, after the parenthesised command name, is the state; Z = zombie, X = dead.
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state === 'Z' || state === 'X';
  } catch {
    return !pidExists(pid);
  }
}

/**
 * proveWorker checks that `pid` is still the worker `id` and not a process that reused its pid:
 * its environment (Linux /proc) must hold INSTANCE_ID=<id>; where /proc cannot be read, the
 * worker's /health must answer with X-Ebbflow-Instance: <id>.
 */
export async function proveWorker(pid: number, id: string, address: string): Promise<Proof> {
  if (!pidExists(pid)) return 'no';
  try {
    const environ = await readFile(`/proc/${pid}/environ`, 'latin1');
    // A zombie's environ is empty: it has exited, so it is no longer the worker.
    return environ.split('\0').includes(`INSTANCE_ID=${id}`) ? 'yes' : 'no';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !pidExists(pid)) return 'no';
  }
  const health = await getHealth(address, 1000);
  return health?.instance === id ? 'yes' : 'unknown';
}

/** HealthAnswer is a worker's /health status and the instance id it says it is. */
export interface HealthAnswer {
  status: number;
  instance: string | undefined;
}

/**
 * getHealth GETs http://<address>/health on a fresh connection (no keep-alive, so nothing keeps
 * a stopping worker's server open); undefined when there is no whole answer within `timeoutMs`
 * (a total limit, not the socket's idle timeout: a worker that trickles bytes is not waited on).
 */
export function getHealth(address: string, timeoutMs: number): Promise<HealthAnswer | undefined> {
  return new Promise((resolve) => {
    const req = request(`http://${address}/health`, { agent: false }, (res) => {
      res.resume();
      const instance = res.headers[WORKER_INSTANCE_HEADER];
      clearTimeout(timer);
      resolve({
        status: res.statusCode ?? 0,
        instance: Array.isArray(instance) ? instance[0] : instance,
      });
    });
    const timer = setTimeout(() => req.destroy(new Error('timeout')), timeoutMs);
    req.on('error', () => {
      clearTimeout(timer);
      resolve(undefined);
    });
    req.end();
  });
}

/** signalGroup sends `signal` to the process group led by `pid`; false if there is none. */
export function signalGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    // Not a group leader (should not happen: workers are spawned detached): signal the pid.
    try {
      process.kill(pid, signal);
      return true;
    } catch {
      return false;
    }
  }
}

/** waitUntil polls `check` every `intervalMs` until it is true or `timeoutMs` passes. */
export async function waitUntil(
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  intervalMs = 50,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(Math.min(intervalMs, Math.max(1, deadline - Date.now())));
  }
}

/**
 * stopProcessGroup stops a worker and anything it started: SIGTERM to its process group, then
 * SIGKILL if it is still running after `graceMs`. Resolves once the worker is gone (and, when
 * the caller is its parent, reaped, so its pid no longer exists).
 */
export async function stopProcessGroup(pid: number, graceMs: number): Promise<void> {
  if (!signalGroup(pid, 'SIGTERM')) return;
  const exited = await waitUntil(() => processGone(pid), graceMs);
  if (!exited || groupExists(pid)) signalGroup(pid, 'SIGKILL');
  await waitUntil(() => processGone(pid), 5000);
  // The parent reaps an exited child within a few ms; wait for it so the pid is truly free.
  await waitUntil(() => !pidExists(pid), 1000);
}

function groupExists(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}
