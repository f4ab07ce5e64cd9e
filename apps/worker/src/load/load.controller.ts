import { Controller, Get, Query } from '@nestjs/common';
import { setTimeout as sleep } from 'timers/promises';
import { ERROR_CODES, UserError } from '../common/user-error';
import { burnCpu } from './burn-cpu';

/** LOAD_LIMITS_MS: the longest CPU burn and the longest sleep one request may ask for. */
export const LOAD_LIMITS_MS = { cpu: 10000, sleep: 60000 };

/** parseMs reads `?ms=` as a whole number from 1 to `max`; 400 otherwise. */
export function parseMs(value: unknown, max: number): number {
  if (typeof value !== 'string' || !/^\d{1,6}$/.test(value) || +value < 1 || +value > max) {
    throw new UserError(
      400,
      ERROR_CODES.invalidField,
      `ms must be a whole number of milliseconds from 1 to ${max}.`,
      'ms',
    );
  }
  return Number(value);
}

/** LoadResult is the answer of a load-test request. */
export interface LoadResult {
  success: true;
  ms: number;
}

/**
 * LoadController makes CPU or waiting load on demand for the fleet, scaler and benchmark tests.
 * Not routed unless WORKER_LOAD_ENDPOINTS=true: open to anyone, so never on in production.
 */
@Controller('api/load')
export class LoadController {
  /** GET /api/load/cpu?ms=N burns CPU for N ms (1..10000). */
  @Get('cpu')
  async cpu(@Query('ms') msParam: unknown): Promise<LoadResult> {
    const ms = parseMs(msParam, LOAD_LIMITS_MS.cpu);
    await burnCpu(ms);
    return { success: true, ms };
  }

  /** GET /api/load/sleep?ms=N answers after N ms (1..60000) without using CPU. */
  @Get('sleep')
  async sleep(@Query('ms') msParam: unknown): Promise<LoadResult> {
    const ms = parseMs(msParam, LOAD_LIMITS_MS.sleep);
    await sleep(ms);
    return { success: true, ms };
  }
}
