import { Logger } from '@nestjs/common';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'fs';
import { dirname, resolve } from 'path';
import { isHostPort, parseTargetId } from '../admin/target.input';

/** PersistedTarget is one registered target as the state file keeps it. */
export interface PersistedTarget {
  id: string;
  address: string;
  registeredAt: Date;
}

/** STATE_FILE_VERSION is the format of the state file; another version is not read. */
const STATE_FILE_VERSION = 1;

interface StateFileBody {
  version: number;
  targets: { id: string; address: string; registeredAt: string }[];
}

/**
 * TargetStateFile keeps the balancer's registrations on disk (BALANCER_STATE_FILE), so that a
 * balancer killed and restarted serves its targets again at once instead of answering 503 until
 * the fleet registers them again (issue #9: 20–39 failed requests over 3.6–7.2 s). Only the
 * registrations are kept, not the health: a restored target starts its checks again. A path of
 * null keeps nothing (unit specs).
 */
export class TargetStateFile {
  private readonly logger = new Logger('TargetState');
  readonly path: string | null;

  constructor(path: string | null) {
    this.path = path === null ? null : resolve(path);
  }

  /**
   * read returns the targets of the state file; none when there is no file yet. A file that
   * cannot be read or parsed, and any entry with a bad id or address, is skipped with a warning:
   * a balancer that starts empty is better than one that does not start.
   */
  read(): PersistedTarget[] {
    if (this.path === null) return [];
    let body: StateFileBody;
    try {
      body = JSON.parse(readFileSync(this.path, 'utf8')) as StateFileBody;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.logger.warn(`ignoring ${this.path}: ${(error as Error).message}`);
      }
      return [];
    }
    if (body?.version !== STATE_FILE_VERSION || !Array.isArray(body.targets)) {
      this.logger.warn(`ignoring ${this.path}: not a version ${STATE_FILE_VERSION} state file`);
      return [];
    }
    const targets: PersistedTarget[] = [];
    for (const entry of body.targets) {
      const registeredAt = new Date(entry?.registeredAt);
      if (
        typeof entry?.id !== 'string' ||
        !parseTargetId(entry.id).ok ||
        typeof entry.address !== 'string' ||
        !isHostPort(entry.address)
      ) {
        this.logger.warn(`ignoring a bad entry of ${this.path}: ${JSON.stringify(entry)}`);
        continue;
      }
      targets.push({
        id: entry.id,
        address: entry.address,
        registeredAt: Number.isNaN(registeredAt.getTime()) ? new Date() : registeredAt,
      });
    }
    return targets;
  }

  /**
   * write replaces the state file with `targets`, atomically (a temporary file renamed over it),
   * so a balancer killed in the middle leaves the old file or the new one, never half of one.
   * No fsync: the case guarded against is the process dying, whose written pages the kernel
   * keeps. A failure is logged, not thrown: the registration itself has succeeded in memory.
   */
  write(targets: PersistedTarget[]): void {
    if (this.path === null) return;
    const body: StateFileBody = {
      version: STATE_FILE_VERSION,
      targets: targets.map((t) => ({
        id: t.id,
        address: t.address,
        registeredAt: t.registeredAt.toISOString(),
      })),
    };
    const temporary = `${this.path}.${process.pid}.tmp`;
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      writeFileSync(temporary, JSON.stringify(body, null, 2) + '\n', { mode: 0o600 });
      renameSync(temporary, this.path);
    } catch (error) {
      this.logger.error(`could not write ${this.path}: ${(error as Error).message}`);
    }
  }
}
