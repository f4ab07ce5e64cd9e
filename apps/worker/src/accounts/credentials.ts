import { ERROR_CODES, UserError } from '../common/user-error';

/** USERNAME_RULES: 3 to 32 characters, letters, digits, `_`, `.` and `-`. */
export const USERNAME_RULES = { min: 3, max: 32, pattern: /^[A-Za-z0-9_.-]+$/ };

/** PASSWORD_RULES: 8 to 128 characters (any characters). */
export const PASSWORD_RULES = { min: 8, max: 128 };

/** requiredText returns a form field as a string, refusing a missing, empty or repeated field. */
export function requiredText(value: unknown, field: string, missingMessage: string): string {
  if (value === undefined || value === null || value === '') {
    throw new UserError(400, ERROR_CODES.missingField, missingMessage, field);
  }
  if (typeof value !== 'string') {
    throw new UserError(400, ERROR_CODES.invalidField, `Send "${field}" once, as text.`, field);
  }
  return value;
}

/** validateUsername checks a new account's name against USERNAME_RULES. */
export function validateUsername(value: unknown): string {
  const username = requiredText(value, 'username', 'Enter a username.');
  const length = [...username].length;
  if (length < USERNAME_RULES.min || length > USERNAME_RULES.max) {
    throw new UserError(
      400,
      ERROR_CODES.invalidField,
      `The username must be ${USERNAME_RULES.min} to ${USERNAME_RULES.max} characters long (it has ${length}).`,
      'username',
    );
  }
  if (!USERNAME_RULES.pattern.test(username)) {
    throw new UserError(
      400,
      ERROR_CODES.invalidField,
      'The username may contain only letters, digits and the characters _ . -',
      'username',
    );
  }
  return username;
}

/** validatePassword checks a new account's password against PASSWORD_RULES. */
export function validatePassword(value: unknown): string {
  const password = requiredText(value, 'password', 'Enter a password.');
  const length = [...password].length;
  if (length < PASSWORD_RULES.min || length > PASSWORD_RULES.max) {
    throw new UserError(
      400,
      ERROR_CODES.invalidField,
      `The password must be ${PASSWORD_RULES.min} to ${PASSWORD_RULES.max} characters long.`,
      'password',
    );
  }
  return password;
}
