import { InvalidInputError } from './gateway.errors';

/** RESERVED_KEYS are keys JSON.parse keeps as own properties but class-transformer drops. */
const RESERVED_KEYS = ['__proto__', 'constructor', 'prototype'];

/**
 * refuseReservedKeys throws a 400 naming the field when a JSON body has a key such as
 * `__proto__`: class-transformer skips it, so the contract's "unknown field" check never saw it
 * and `{"__proto__": {"count": 5}}` was read as `{}` — one worker added.
 */
export function refuseReservedKeys(body: unknown): void {
  if (body === null || typeof body !== 'object') return;
  const bad = Object.keys(body).filter((key) => RESERVED_KEYS.includes(key));
  if (bad.length) {
    throw new InvalidInputError(
      Object.fromEntries(bad.map((key) => [key, [`property ${key} should not exist`]])),
    );
  }
}
