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

/**
 * validatePayload turns plain data into an instance of `dto` and validates it; it throws
 * MessageValidationError with the errors per field. Unknown properties are refused, so a typo
 * in a field name is an error and not a silently ignored value.
 */
export function validatePayload<T extends object>(pattern: string, dto: Type<T>, data: unknown): T {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new MessageValidationError(pattern, { payload: ['must be a JSON object'] });
  }
  const instance = plainToInstance(dto, data);
  const errors = validateSync(instance as object, {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: false,
  });
  if (errors.length) throw new MessageValidationError(pattern, collect(errors));
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
