import { Logger } from '@nestjs/common';
import type { Response } from 'express';

/**
 * GatewayExit is how "Stopping" ends the gateway once its answer is out. The default sends the
 * process SIGTERM, which `runMain` turns into a clean close and exit code 0; tests bind a fake
 * that only records the call.
 */
export abstract class GatewayExit {
  abstract exit(reason: string): void;
}

/** ProcessGatewayExit stops this process through its SIGTERM handler (runMain). */
export class ProcessGatewayExit extends GatewayExit {
  private readonly logger = new Logger('Gateway');

  exit(reason: string): void {
    this.logger.log(`stopping the gateway: ${reason}`);
    setImmediate(() => process.kill(process.pid, 'SIGTERM'));
  }
}

/**
 * EXIT_ANSWER_WAIT_MS is the longest the gateway waits, once everything else is stopped, for its
 * last answer to leave: a client that stops reading must not keep the manager alive.
 */
export const EXIT_ANSWER_WAIT_MS = 5000;

/**
 * exitOnceAnswered stops the gateway when `res` is sent, when its client has left (closed tab,
 * `curl -m 1`: 'finish' then never comes, which left the manager running without its services),
 * or after `waitMs` at the latest. Call it before the answer is ended.
 */
export function exitOnceAnswered(
  res: Response,
  exit: GatewayExit,
  reason: string,
  waitMs = EXIT_ANSWER_WAIT_MS,
): void {
  if (res.destroyed || res.writableFinished) {
    exit.exit(`${reason} (its client had left)`);
    return;
  }
  let done = false;
  const go = (why: string) => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    exit.exit(why);
  };
  const timer = setTimeout(
    () => go(`${reason} (its answer was not taken in ${waitMs} ms)`),
    waitMs,
  );
  res.once('finish', () => go(reason));
  res.once('close', () => go(res.writableFinished ? reason : `${reason} (its client left)`));
}
