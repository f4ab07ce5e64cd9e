import { Logger } from '@nestjs/common';
import { ChildProcess, spawn } from 'child_process';
import { randomBytes } from 'crypto';
import { closeSync, existsSync, openSync } from 'fs';
import { readFile } from 'fs/promises';
import { createServer } from 'net';
import { INSTANCE_ID_PATTERN } from '@app/contracts';
import { ComputeInstance, ComputePort, ComputeState, LaunchRequest } from '../ports/compute.port';
import { LocalCloudConfig, repoRoot, resolveFromRepo } from './local-cloud.config';
import { getHealth, proveWorker, stopProcessGroup, waitUntil } from './worker-process';
import { LocalWorkerRecord, WorkerStateStore } from './worker-state.store';

/** LocalComputeConfig is the part of the local configuration the compute adapter reads. */
export type LocalComputeConfig = Pick<
  LocalCloudConfig,
  | 'WORKER_ENTRY'
  | 'FLEET_STATE_DIR'
  | 'LAUNCH_TIMEOUT_MS'
  | 'LAUNCH_PROBE_INTERVAL_MS'
  | 'LAUNCH_PROBE_TIMEOUT_MS'
  | 'TERMINATE_GRACE_MS'
  | 'WORKER_ENV_PASS'
>;

/** LocalComputeOptions: the environment workers inherit from (filtered; process.env by default). */
export interface LocalComputeOptions {
  env?: NodeJS.ProcessEnv;
}

/** MAX_CLIENT_TOKEN_LENGTH: EC2's limit on ClientToken, kept so both adapters accept the same. */
export const MAX_CLIENT_TOKEN_LENGTH = 64;

/**
 * LocalComputeAdapter is the ComputePort of local mode: each instance is a worker process
 * (`node <WORKER_ENTRY>`) on its own port. Workers are spawned detached, in their own process
 * group, so they outlive a restart of the fleet; a state file per worker in FLEET_STATE_DIR lets
 * the next fleet process re-adopt them (describe) and keeps launches idempotent by client token.
 */
export class LocalComputeAdapter extends ComputePort {
  private readonly logger = new Logger('LocalCompute');
  private readonly store: WorkerStateStore;
  private readonly entry: string;
  private readonly parentEnv: NodeJS.ProcessEnv;
  /** Launches in progress by client token: a second launch with the same token joins the first. */
  private readonly launches = new Map<string, Promise<ComputeInstance>>();
  /** Ids launched by this adapter that are not healthy yet: `describe` says `pending`. */
  private readonly starting = new Set<string>();
  /** Ports handed to launching workers that have not written their state file yet. */
  private readonly reservedPorts = new Set<number>();

  constructor(
    private readonly config: LocalComputeConfig,
    options: LocalComputeOptions = {},
  ) {
    super();
    this.store = new WorkerStateStore(resolveFromRepo(config.FLEET_STATE_DIR));
    this.entry = resolveFromRepo(config.WORKER_ENTRY);
    this.parentEnv = options.env ?? process.env;
  }

  /** stateDir is the absolute FLEET_STATE_DIR. */
  get stateDir(): string {
    return this.store.dir;
  }

  /**
   * launch starts one worker and resolves once its /health answers 200 as that instance. The
   * same client token always means the same instance: while it runs, it is returned (even to a
   * new fleet process); once terminated, it is returned as `terminated` for
   * CLIENT_TOKEN_MEMORY_MS, like EC2. A launch that fails (worker exits, or is not healthy within
   * LAUNCH_TIMEOUT_MS) kills the worker and forgets the token, so a retry launches again.
   */
  launch({ clientToken }: LaunchRequest): Promise<ComputeInstance> {
    if (!clientToken || clientToken.length > MAX_CLIENT_TOKEN_LENGTH) {
      return Promise.reject(
        new Error(`clientToken must be 1 to ${MAX_CLIENT_TOKEN_LENGTH} characters`),
      );
    }
    const inProgress = this.launches.get(clientToken);
    if (inProgress) return inProgress;
    const launch = this.launchOnce(clientToken).finally(() => this.launches.delete(clientToken));
    this.launches.set(clientToken, launch);
    return launch;
  }

  /** terminate stops worker `id` (SIGTERM, SIGKILL after TERMINATE_GRACE_MS); unknown id: no-op. */
  async terminate(id: string): Promise<void> {
    if (!INSTANCE_ID_PATTERN.test(id)) return;
    const record = await this.store.read(id);
    if (!record) return;
    // Never signal a pid that now belongs to another process.
    if ((await proveWorker(record.pid, record.id, record.address)) !== 'no') {
      this.logger.log(`terminating ${id} (pid ${record.pid})`);
      await stopProcessGroup(record.pid, this.config.TERMINATE_GRACE_MS);
    }
    await this.store.tombstone(record, 'terminated');
  }

  /**
   * describe lists the workers of the state files: `pending` while this adapter is launching
   * one, `running` when its process is alive and proven to be that worker. A worker whose
   * process is gone is reported `terminated` once (so the fleet sees the death), then forgotten.
   */
  async describe(): Promise<ComputeInstance[]> {
    const instances: ComputeInstance[] = [];
    for (const record of await this.store.readAll()) {
      if (this.starting.has(record.id)) {
        instances.push(toInstance(record, 'pending'));
        continue;
      }
      if ((await proveWorker(record.pid, record.id, record.address)) === 'no') {
        this.logger.warn(`${record.id} (pid ${record.pid}) is gone`);
        await this.store.tombstone(record, 'process exited');
        instances.push(toInstance(record, 'terminated'));
        continue;
      }
      instances.push(toInstance(record, 'running'));
    }
    await this.store.pruneTombstones().catch((error: Error) => {
      this.logger.warn(`pruning old state files failed: ${error.message}`);
    });
    return instances;
  }

  private async launchOnce(clientToken: string): Promise<ComputeInstance> {
    await this.store.ensureDir();
    const existing = (await this.store.readAll()).find((r) => r.clientToken === clientToken);
    if (existing) return this.adopt(existing);
    const tombstone = await this.store.findTombstone(clientToken);
    if (tombstone) return toInstance(tombstone, 'terminated');
    return this.spawnWorker(clientToken);
  }

  /** adopt answers a repeated launch whose worker already exists (maybe from a previous fleet). */
  private async adopt(record: LocalWorkerRecord): Promise<ComputeInstance> {
    if ((await proveWorker(record.pid, record.id, record.address)) === 'no') {
      await this.store.tombstone(record, 'process exited');
      return toInstance(record, 'terminated');
    }
    await this.waitHealthy(record, undefined);
    return toInstance(record, 'running');
  }

  private async spawnWorker(clientToken: string): Promise<ComputeInstance> {
    if (!existsSync(this.entry)) {
      throw new Error(
        `WORKER_ENTRY ${this.entry} does not exist (build the worker first: npm run build)`,
      );
    }
    const id = newInstanceId();
    const port = await this.pickPort();
    const address = `127.0.0.1:${port}`;
    const log = openSync(this.store.logPath(id), 'a');
    let child: ChildProcess;
    try {
      child = spawn(process.execPath, [this.entry], {
        cwd: repoRoot(),
        detached: true,
        stdio: ['ignore', log, log],
        env: this.workerEnv(id, port),
      });
    } finally {
      closeSync(log);
    }
    if (child.pid === undefined) {
      this.reservedPorts.delete(port);
      const error = await new Promise<Error>((resolve) => child.once('error', resolve));
      throw new Error(`cannot start worker ${id}: ${error.message}`);
    }
    child.unref();
    const record: LocalWorkerRecord = {
      id,
      pid: child.pid,
      port,
      address,
      launchedAt: new Date().toISOString(),
      clientToken,
    };
    this.starting.add(id);
    try {
      await this.store.write(record);
      this.reservedPorts.delete(port);
      this.logger.log(`launched ${id} (pid ${record.pid}) on ${address} for ${clientToken}`);
      await this.waitHealthy(record, child);
    } catch (error) {
      this.reservedPorts.delete(port);
      await stopProcessGroup(record.pid, Math.min(this.config.TERMINATE_GRACE_MS, 2000));
      await this.store.remove(id);
      throw error;
    } finally {
      this.starting.delete(id);
    }
    return toInstance(record, 'running');
  }

  /**
   * waitHealthy resolves when the worker's /health answers 200 with its own instance id; rejects
   * when its process exits or LAUNCH_TIMEOUT_MS passes (with the end of its log, to say why).
   * Probes are sequential (one in flight), each bounded by LAUNCH_PROBE_TIMEOUT_MS, with
   * LAUNCH_PROBE_INTERVAL_MS between them: a worker slow to start is not hammered.
   */
  private async waitHealthy(
    record: LocalWorkerRecord,
    child: ChildProcess | undefined,
  ): Promise<void> {
    let exit: string | undefined;
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      exit = signal ? `signal ${signal}` : `code ${code}`;
    };
    child?.once('exit', onExit);
    try {
      const healthy = await waitUntil(
        async () => {
          if (exit) return true;
          const answer = await getHealth(record.address, this.config.LAUNCH_PROBE_TIMEOUT_MS);
          if (answer?.status === 200 && answer.instance === record.id) return true;
          if (!child && (await proveWorker(record.pid, record.id, record.address)) === 'no') {
            exit = 'unknown status';
          }
          return exit !== undefined;
        },
        this.config.LAUNCH_TIMEOUT_MS,
        this.config.LAUNCH_PROBE_INTERVAL_MS,
      );
      if (exit) {
        throw new Error(
          `worker ${record.id} exited (${exit}) before it was healthy${await this.logTail(record.id)}`,
        );
      }
      if (!healthy) {
        throw new Error(
          `worker ${record.id} did not answer /health within ${this.config.LAUNCH_TIMEOUT_MS} ms` +
            (await this.logTail(record.id)),
        );
      }
    } finally {
      child?.off('exit', onExit);
    }
  }

  private async logTail(id: string): Promise<string> {
    try {
      const text = await readFile(this.store.logPath(id), 'utf8');
      const lines = text.trimEnd().split('\n').slice(-10).join('\n');
      return lines ? `; last lines of ${this.store.logPath(id)}:\n${lines}` : '';
    } catch {
      return '';
    }
  }

  /** workerEnv is the filtered parent environment plus the worker's own address and id. */
  private workerEnv(id: string, port: number): NodeJS.ProcessEnv {
    return {
      ...filterWorkerEnv(this.parentEnv, this.config.WORKER_ENV_PASS),
      WORKER_PORT: String(port),
      WORKER_HOST: '127.0.0.1',
      INSTANCE_ID: id,
    };
  }

  /** pickPort asks the OS for a free port that no known or launching worker uses. */
  private async pickPort(): Promise<number> {
    const used = new Set((await this.store.readAll()).map((r) => r.port));
    for (let attempt = 0; attempt < 20; attempt++) {
      const port = await freeLocalPort();
      if (!used.has(port) && !this.reservedPorts.has(port)) {
        this.reservedPorts.add(port);
        return port;
      }
    }
    throw new Error('no free port found for a new worker');
  }
}

/**
 * killAllLocalWorkers stops every worker listed in `stateDir` (SIGTERM to its process group,
 * SIGKILL after `graceMs`) and deletes their state files; a pid that is no longer that worker
 * is not signalled. Used by `npm start` at shutdown and by tests. Resolves to the ids stopped.
 */
export async function killAllLocalWorkers(
  stateDir: string,
  { graceMs = 5000 }: { graceMs?: number } = {},
): Promise<string[]> {
  const store = new WorkerStateStore(resolveFromRepo(stateDir));
  const records = await store.readAll();
  const stopped = await Promise.all(
    records.map(async (record) => {
      const alive = (await proveWorker(record.pid, record.id, record.address)) !== 'no';
      if (alive) await stopProcessGroup(record.pid, graceMs);
      await store.remove(record.id);
      return alive ? record.id : undefined;
    }),
  );
  return stopped.filter((id): id is string => id !== undefined);
}

/**
 * filterWorkerEnv keeps the variables of `env` that `passList` names (comma-separated names,
 * `PREFIX_*` for every name starting with PREFIX_): what a worker inherits from the fleet.
 */
export function filterWorkerEnv(env: NodeJS.ProcessEnv, passList: string): NodeJS.ProcessEnv {
  const patterns = passList.split(',').filter(Boolean);
  const passes = (name: string) =>
    patterns.some((p) => (p.endsWith('*') ? name.startsWith(p.slice(0, -1)) : name === p));
  const kept: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && passes(name)) kept[name] = value;
  }
  return kept;
}

/** newInstanceId is `i-` + 17 random hex digits, the shape of an EC2 instance id. */
export function newInstanceId(): string {
  return `i-${randomBytes(9).toString('hex').slice(0, 17)}`;
}

function toInstance(record: LocalWorkerRecord, state: ComputeState): ComputeInstance {
  return {
    id: record.id,
    state,
    address: record.address,
    launchedAt: new Date(record.launchedAt),
    clientToken: record.clientToken,
  };
}

function freeLocalPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
