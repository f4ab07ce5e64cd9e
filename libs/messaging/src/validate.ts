import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { Type } from '@nestjs/common';
import { FieldErrors, MessageValidationError } from './errors';

function collect(errors: ValidationError[], prefix = '', out: FieldErrors = {}): FieldErrors {
  for (const e of errors) {
    const key = prefix ? `${prefix}.${e.property}` : e.property;
    if (e.constraints) out[key] = Object.values(e.constraints);
    if (e.children?.length) collect(e.children, key, out);
  }
  return out;
}

/** FORBIDDEN_KEYS are never a field: they reach an object's prototype (or crash the transformer). */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** report adds `key` to `out`; defineProperty because `out['__proto__'] = …` sets a prototype. */
function report(out: FieldErrors, path: string, key: string): void {
  Object.defineProperty(out, path, {
    value: [`property ${key} should not exist`],
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/** forbiddenKeys lists the `__proto__`, `constructor` and `prototype` keys anywhere in `raw`. */
function forbiddenKeys(raw: unknown, prefix = '', out: FieldErrors = {}): FieldErrors {
  if (raw === null || typeof raw !== 'object') return out;
  for (const key of Object.keys(raw)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (FORBIDDEN_KEYS.has(key)) report(out, path, key);
    else forbiddenKeys((raw as Record<string, unknown>)[key], path, out);
  }
  return out;
}

/**
 * droppedKeys lists the keys of `raw` (recursively) that did not make it into `transformed`.
 * class-transformer silently skips `__proto__`, `constructor` and names of Object.prototype
 * members (`hasOwnProperty`, `toString`), so class-validator's whitelist never sees them and such
 * a payload passed as valid (issue #10); every key of the input must be accounted for.
 */
function droppedKeys(raw: unknown, transformed: unknown, prefix = '', out: FieldErrors = {}) {
  if (raw === null || typeof raw !== 'object') return out;
  const target = transformed as Record<string, unknown> | null | undefined;
  for (const key of Object.keys(raw)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (target === null || typeof target !== 'object' || !Object.hasOwn(target, key)) {
      report(out, path, key);
    } else {
      droppedKeys((raw as Record<string, unknown>)[key], target[key], path, out);
    }
  }
  return out;
}

/**
 * validatePayload turns plain data into an instance of `dto` and validates it; it throws
 * MessageValidationError with the errors per field. Unknown properties are refused, so a typo
 * in a field name is an error and not a silently ignored value; so are `__proto__` and
 * `constructor` keys, anywhere in the payload.
 */
export function validatePayload<T extends object>(pattern: string, dto: Type<T>, data: unknown): T {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new MessageValidationError(pattern, { payload: ['must be a JSON object'] });
  }
  // Before the transformer: a nested `constructor` key makes class-transformer throw.
  const forbidden = forbiddenKeys(data);
  if (Object.keys(forbidden).length) throw new MessageValidationError(pattern, forbidden);
  const instance = plainToInstance(dto, data);
  const errors = validateSync(instance as object, {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: false,
  });
  const fields = { ...droppedKeys(data, instance), ...collect(errors) };
  if (Object.keys(fields).length) throw new MessageValidationError(pattern, fields);
  return instance;
}

/** fieldErrorsOf returns a class-validator result as FieldErrors (for HTTP forms too). */
export function fieldErrorsOf<T extends object>(dto: Type<T>, data: unknown): FieldErrors | T {
  try {
    return validatePayload('form', dto, data);
  } catch (error) {
    if (error instanceof MessageValidationError) return error.fields;
    throw error;
  }
}
