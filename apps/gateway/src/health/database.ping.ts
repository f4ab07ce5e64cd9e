import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** DatabasePing checks that the gateway's MySQL answers (for `/health`); also the DI token. */
export abstract class DatabasePing {
  /** ping resolves when a trivial query answers within `timeoutMs`, rejects otherwise. */
  abstract ping(timeoutMs: number): Promise<void>;
}

/** TypeormDatabasePing runs `SELECT 1` on the gateway's connection pool. */
@Injectable()
export class TypeormDatabasePing extends DatabasePing {
  constructor(private readonly db: DataSource) {
    super();
  }

  async ping(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.db.query('SELECT 1'),
        new Promise((_, reject) => {
          // A stalled server answers nothing: without a limit /health would hang with it.
          timer = setTimeout(() => reject(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }
}
