import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { TooManyAttemptsError } from '../common/user-error';
import { WorkerConfig } from '../worker.config';
import { WORKER_CONFIG } from '../worker.tokens';
import {
  FailureCount,
  ThrottleLimits,
  ThrottleScope,
  decideThrottle,
  throttleKey,
} from './login-throttle';

/** LOGIN_FAILURES_TABLE holds the shared failure counters (one row per pair and per address). */
export const LOGIN_FAILURES_TABLE = 'worker_login_failures';

/** PRUNE_EVERY_MS: each worker deletes ended windows at most once a minute. */
export const PRUNE_EVERY_MS = 60_000;

/**
 * LoginThrottle counts failed password checks in MySQL, so every worker behind the balancer sees
 * the same counts (process memory would give an attacker one allowance per worker), and refuses
 * checks of a (account, address) pair or an address past its limit with TooManyAttemptsError.
 * A successful check resets its pair. Counters are fixed windows of WORKER_LOGIN_WINDOW_S: one
 * row per key, updated with one atomic upsert; ended windows are pruned.
 */
@Injectable()
export class LoginThrottle {
  private readonly limits: ThrottleLimits;
  private lastPruneMs = 0;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(WORKER_CONFIG) config: WorkerConfig,
  ) {
    this.limits = {
      maxPerPair: config.WORKER_LOGIN_MAX_FAILURES,
      maxPerAddress: config.WORKER_LOGIN_MAX_FAILURES_PER_ADDRESS,
      windowMs: config.WORKER_LOGIN_WINDOW_S * 1000,
    };
  }

  /** check throws TooManyAttemptsError when this pair or this address is over its limit. */
  async check(username: string, address: string): Promise<void> {
    const keys = this.keys(username, address);
    const rows = await this.dataSource.query<
      { scope: ThrottleScope; failures: number | string; window_start_ms: number | string }[]
    >(
      `SELECT scope, failures, window_start_ms FROM ${LOGIN_FAILURES_TABLE} WHERE key_hash IN (?, ?)`,
      [keys.pair, keys.address],
    );
    const counts: FailureCount[] = rows.map((r) => ({
      scope: r.scope,
      failures: Number(r.failures),
      windowStartMs: Number(r.window_start_ms),
    }));
    const decision = decideThrottle(counts, this.limits, Date.now());
    if (decision.refused) throw new TooManyAttemptsError(decision.retryAfterS);
  }

  /** recordFailure counts one failed check for the pair and for the address. */
  async recordFailure(username: string, address: string): Promise<void> {
    const now = Date.now();
    const ended = now - this.limits.windowMs;
    const keys = this.keys(username, address);
    // A window that has ended starts again at 1; otherwise +1. One statement: atomic across
    // workers. (failures is assigned first, while window_start_ms still holds the old value.)
    await this.dataSource.query(
      `INSERT INTO ${LOGIN_FAILURES_TABLE} (key_hash, scope, failures, window_start_ms)
       VALUES (?, 'pair', 1, ?), (?, 'address', 1, ?)
       ON DUPLICATE KEY UPDATE
         failures = IF(window_start_ms <= ?, 1, failures + 1),
         window_start_ms = IF(window_start_ms <= ?, ?, window_start_ms)`,
      [keys.pair, now, keys.address, now, ended, ended, now],
    );
    if (now - this.lastPruneMs >= PRUNE_EVERY_MS) {
      this.lastPruneMs = now;
      await this.dataSource.query(
        `DELETE FROM ${LOGIN_FAILURES_TABLE} WHERE window_start_ms <= ?`,
        [ended],
      );
    }
  }

  /** recordSuccess resets the pair's count (the address's count stays). */
  async recordSuccess(username: string, address: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM ${LOGIN_FAILURES_TABLE} WHERE key_hash = ?`, [
      this.keys(username, address).pair,
    ]);
  }

  private keys(username: string, address: string): { pair: string; address: string } {
    return {
      pair: throttleKey('pair', username, address),
      address: throttleKey('address', username, address),
    };
  }
}
