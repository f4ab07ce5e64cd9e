import { Logger } from '@nestjs/common';
import { mkdir, readdir, readFile, rename, rm, unlink, writeFile } from 'fs/promises';
import { join } from 'path';
import { INSTANCE_ID_PATTERN } from '@app/contracts';

/**
 * LocalWorkerRecord is the state file `<FLEET_STATE_DIR>/<id>.json` of one running worker. The
 * format is shared with `npm start` (which kills the workers it lists at shutdown): keep it.
 */
export interface LocalWorkerRecord {
  id: string;
  pid: number;
  port: number;
  /** `127.0.0.1:<port>` */
  address: string;
  /** ISO 8601 */
  launchedAt: string;
  clientToken: string;
}

/**
 * LocalWorkerTombstone is `<id>.terminated`: a worker that is gone, kept for
 * CLIENT_TOKEN_MEMORY_MS so its client token still answers with it (as EC2 remembers a
 * ClientToken). Not `.json`, so nothing reading state files mistakes it for a live worker.
 */
export interface LocalWorkerTombstone extends LocalWorkerRecord {
  terminatedAt: string;
  cause: string;
}

/** CLIENT_TOKEN_MEMORY_MS: how long a terminated worker's client token is remembered (1 h). */
export const CLIENT_TOKEN_MEMORY_MS = 60 * 60 * 1000;

const STATE_SUFFIX = '.json';
const TOMBSTONE_SUFFIX = '.terminated';

/**
 * WorkerStateStore reads and writes the local workers' state files. Writes are atomic (temp file
 * + rename), so a crash never leaves half a record for the next fleet process to trip on.
 */
export class WorkerStateStore {
  private readonly logger = new Logger('WorkerStateStore');

  constructor(readonly dir: string) {}

  async ensureDir(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
  }

  logPath(id: string): string {
    return join(this.dir, `${id}.log`);
  }

  /** readAll returns every live worker's record; unreadable files are logged and skipped. */
  async readAll(): Promise<LocalWorkerRecord[]> {
    const records: LocalWorkerRecord[] = [];
    for (const name of await this.names(STATE_SUFFIX)) {
      const record = await this.readFileAs(join(this.dir, name));
      if (record) records.push(record);
    }
    return records;
  }

  /** read returns the record of worker `id`, or undefined. */
  async read(id: string): Promise<LocalWorkerRecord | undefined> {
    if (!INSTANCE_ID_PATTERN.test(id)) return undefined;
    return this.readFileAs(join(this.dir, id + STATE_SUFFIX));
  }

  async write(record: LocalWorkerRecord): Promise<void> {
    await this.writeAtomic(join(this.dir, record.id + STATE_SUFFIX), record);
  }

  /** remove forgets a worker entirely (a failed launch: its client token may be used again). */
  async remove(id: string): Promise<void> {
    await rm(join(this.dir, id + STATE_SUFFIX), { force: true });
  }

  /** tombstone turns a live record into `<id>.terminated` (the process is gone). */
  async tombstone(record: LocalWorkerRecord, cause: string, now = new Date()): Promise<void> {
    const tombstone: LocalWorkerTombstone = { ...record, terminatedAt: now.toISOString(), cause };
    await this.writeAtomic(join(this.dir, record.id + TOMBSTONE_SUFFIX), tombstone);
    await rm(join(this.dir, record.id + STATE_SUFFIX), { force: true });
  }

  /** findTombstone returns the remembered terminated worker launched with `clientToken`. */
  async findTombstone(clientToken: string): Promise<LocalWorkerTombstone | undefined> {
    for (const name of await this.names(TOMBSTONE_SUFFIX)) {
      const tombstone = (await this.readFileAs(join(this.dir, name))) as LocalWorkerTombstone;
      if (tombstone?.clientToken === clientToken) return tombstone;
    }
    return undefined;
  }

  /** pruneTombstones deletes tombstones (and their logs) older than CLIENT_TOKEN_MEMORY_MS. */
  async pruneTombstones(now = new Date()): Promise<void> {
    for (const name of await this.names(TOMBSTONE_SUFFIX)) {
      const tombstone = (await this.readFileAs(join(this.dir, name))) as LocalWorkerTombstone;
      const at = Date.parse(tombstone?.terminatedAt ?? '');
      if (tombstone && now.getTime() - at > CLIENT_TOKEN_MEMORY_MS) {
        await rm(join(this.dir, name), { force: true });
        await rm(this.logPath(tombstone.id), { force: true });
      }
    }
  }

  private async names(suffix: string): Promise<string[]> {
    try {
      return (await readdir(this.dir)).filter((name) => name.endsWith(suffix)).sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }

  private async readFileAs(path: string): Promise<LocalWorkerRecord | undefined> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    try {
      const record = JSON.parse(text) as LocalWorkerRecord;
      if (isRecord(record)) return record;
    } catch {
      // Reported below.
    }
    this.logger.warn(`ignoring ${path}: not a worker state record`);
    return undefined;
  }

  private async writeAtomic(path: string, value: object): Promise<void> {
    const temp = `${path}.${process.pid}.tmp`;
    await writeFile(temp, JSON.stringify(value, null, 2) + '\n');
    try {
      await rename(temp, path);
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      throw error;
    }
  }
}

function isRecord(value: unknown): value is LocalWorkerRecord {
  const r = value as LocalWorkerRecord;
  return (
    typeof r === 'object' &&
    r !== null &&
    typeof r.id === 'string' &&
    INSTANCE_ID_PATTERN.test(r.id) &&
    Number.isInteger(r.pid) &&
    r.pid > 1 &&
    Number.isInteger(r.port) &&
    typeof r.address === 'string' &&
    typeof r.launchedAt === 'string' &&
    typeof r.clientToken === 'string'
  );
}
