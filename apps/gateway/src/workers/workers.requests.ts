import { IsInt, Max, Min, ValidateIf } from 'class-validator';
import { INSTANCE_ID_PATTERN, MAX_HISTORY_MINUTES, MAX_MANUAL_COUNT } from '@app/contracts';
import { fieldErrorsOf } from '@app/messaging';
import { InvalidInputError } from '../http/gateway.errors';
import { refuseReservedKeys } from '../http/json-body';

/** GrowRequest is the body of `POST /api/workers`: how many workers to add (default 1). */
export class GrowRequest {
  // Absent means 1; `null` is not absent (IsOptional would let `{"count": null}` through as 1).
  @ValidateIf((_request, value) => value !== undefined)
  @IsInt({ message: 'count must be a whole number' })
  @Min(1, { message: 'count must be at least 1' })
  @Max(MAX_MANUAL_COUNT, { message: `count must be at most ${MAX_MANUAL_COUNT}` })
  count?: number;
}

/** DEFAULT_HISTORY_MINUTES is the window of the "Detailed" charts (the original's 30 minutes). */
export const DEFAULT_HISTORY_MINUTES = 30;

/** parseGrowRequest validates a grow body; throws InvalidInputError with the field errors. */
export function parseGrowRequest(body: unknown): number {
  // No body at all (curl -X POST) is `{}`; anything else must be an object of known fields.
  refuseReservedKeys(body);
  const result = fieldErrorsOf(GrowRequest, body === undefined ? {} : body);
  if (!(result instanceof GrowRequest)) throw new InvalidInputError(result);
  return result.count ?? 1;
}

/** parseInstanceId checks a worker id's shape (400 before anyone is asked). */
export function parseInstanceId(id: string, field = 'id'): string {
  if (!INSTANCE_ID_PATTERN.test(id)) {
    throw new InvalidInputError({
      [field]: ['must look like i-0123abcd (i- and 8 to 17 hex digits)'],
    });
  }
  return id;
}

/** parseMinutes reads `?minutes=` (1..MAX_HISTORY_MINUTES, default 30). */
export function parseMinutes(raw: unknown): number {
  if (raw === undefined || raw === '') return DEFAULT_HISTORY_MINUTES;
  const text = Array.isArray(raw) ? '' : String(raw);
  const value = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(value) || value < 1 || value > MAX_HISTORY_MINUTES) {
    throw new InvalidInputError({
      minutes: [`must be a whole number from 1 to ${MAX_HISTORY_MINUTES}`],
    });
  }
  return value;
}

/** parseLimit reads a `?limit=` parameter (1..max, default `def`). */
export function parseLimit(raw: unknown, def: number, max: number): number {
  if (raw === undefined || raw === '') return def;
  const text = Array.isArray(raw) ? '' : String(raw);
  const value = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new InvalidInputError({ limit: [`must be a whole number from 1 to ${max}`] });
  }
  return value;
}
