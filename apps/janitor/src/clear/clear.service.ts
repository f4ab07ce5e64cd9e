import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { ClearCommand, ClearResult, JANITOR_CLEARED, JANITOR_PROGRESS } from '@app/contracts';
import { MessageBus } from '@app/messaging';
import { Repository } from 'typeorm';
import { JanitorConfig } from '../janitor.config';
import { JANITOR_CONFIG } from '../janitor.tokens';
import { BucketWiper, describeObjectErrors } from './bucket-wiper';
import { JanitorRunEntity } from './janitor-run.entity';
import { TableWiper } from './table-wiper';

/** toClearResult turns a finished run into the JANITOR_CLEARED payload. */
export function toClearResult(run: JanitorRunEntity): ClearResult {
  const result: ClearResult = {
    commandId: run.commandId,
    objects: run.objects,
    images: run.images,
    users: run.users,
    durationMs: run.durationMs ?? 0,
    at: (run.finishedAt ?? new Date()).toISOString(),
  };
  if (run.error) result.error = run.error;
  return result;
}

/**
 * ClearService wipes the application's data for a JANITOR_CLEAR command: every object of the
 * bucket (batched, with JANITOR_PROGRESS after each batch), then every row of `images` and
 * `users` in one transaction, then JANITOR_CLEARED with the counts. Idempotent by commandId: the
 * result is kept in `janitor_runs`, and a repeated command answers it again and deletes nothing.
 * Runs are serialised, so two clears never interleave their counts.
 */
@Injectable()
export class ClearService {
  private readonly logger = new Logger('Clear');
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly bucket: BucketWiper,
    private readonly tables: TableWiper,
    private readonly bus: MessageBus,
    @InjectRepository(JanitorRunEntity) private readonly runs: Repository<JanitorRunEntity>,
    @Inject(JANITOR_CONFIG) private readonly config: JanitorConfig,
  ) {}

  /** handle carries out (or answers again) one clear command; resolves with its result. */
  handle(command: ClearCommand): Promise<ClearResult> {
    const next = this.queue.then(() => this.clearOnce(command));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async clearOnce(command: ClearCommand): Promise<ClearResult> {
    const { commandId } = command;
    const started = new Date();
    let run: JanitorRunEntity;
    try {
      const existing = await this.runs.findOneBy({ commandId });
      if (existing && existing.status !== 'running') {
        this.logger.log(`clear ${commandId} was already done; answering its result again`);
        return this.announce(toClearResult(existing));
      }
      // A 'running' row means a janitor died mid-run: this delivery finishes the job.
      run = this.runs.create({
        ...(existing ?? {}),
        commandId,
        status: 'running',
        reason: command.reason?.slice(0, 500) ?? null,
        startedAt: existing?.startedAt ?? started,
      });
      await this.runs.save(run);
    } catch (error) {
      // Without its database the janitor cannot promise idempotency: delete nothing, say why.
      return this.announce({
        commandId,
        objects: 0,
        images: 0,
        users: 0,
        durationMs: Date.now() - started.getTime(),
        error: `the janitor cannot reach its database: ${(error as Error).message}`,
        at: new Date().toISOString(),
      });
    }

    this.logger.log(`clear ${commandId} (${command.reason ?? 'no reason given'}) started`);
    try {
      const wiped = await this.bucket.wipe(
        this.config.S3_BUCKET,
        this.config.JANITOR_DELETE_BATCH,
        (deleted) => this.progress(commandId, 'objects', deleted),
      );
      run.objects = wiped.deleted;
      run.objectErrors = wiped.errors.length;
      await this.progress(commandId, 'rows', wiped.deleted);
      const rows = await this.tables.wipe();
      run.images = rows.images;
      run.users = rows.users;
      run.status = 'done';
      run.error = describeObjectErrors(wiped.errors)?.slice(0, 2000) ?? null;
    } catch (error) {
      run.status = 'failed';
      run.error = String((error as Error).message ?? error).slice(0, 2000);
      this.logger.error(`clear ${commandId} failed: ${run.error}`);
    }
    run.finishedAt = new Date();
    run.durationMs = run.finishedAt.getTime() - started.getTime();
    await this.runs.save(run);
    this.logger.log(
      `clear ${commandId} ${run.status}: ${run.objects} objects, ${run.images} images, ` +
        `${run.users} users in ${run.durationMs} ms`,
    );
    return this.announce(toClearResult(run));
  }

  private async announce(result: ClearResult): Promise<ClearResult> {
    await this.bus.emit(JANITOR_CLEARED, result);
    return result;
  }

  private async progress(commandId: string, phase: 'objects' | 'rows', deleted: number) {
    try {
      await this.bus.emit(JANITOR_PROGRESS, {
        commandId,
        phase,
        objectsDeleted: deleted,
        at: new Date().toISOString(),
      });
    } catch (error) {
      // Progress is a nicety; a broker hiccup must not stop the clear itself.
      this.logger.warn(`could not report progress: ${(error as Error).message}`);
    }
  }
}
