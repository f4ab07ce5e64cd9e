import { UserError } from '../common/user-error';
import { validatePassword, validateUsername } from './credentials';

/** refusal runs `fn` and answers the UserError it throws as plain data. */
function refusal(fn: () => unknown) {
  try {
    fn();
  } catch (error) {
    if (error instanceof UserError) {
      return {
        status: error.getStatus(),
        code: error.code,
        field: error.field,
        message: error.message,
      };
    }
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('validateUsername', () => {
  it.each(['abc', 'a'.repeat(32), 'john.doe', 'J_Doe-42', '..-'])('should accept %p', (name) => {
    expect(validateUsername(name)).toBe(name);
  });

  it.each([
    [undefined, 'missing_field', 'Enter a username.'],
    ['', 'missing_field', 'Enter a username.'],
    [['a', 'b'], 'invalid_field', 'Send "username" once, as text.'],
    ['ab', 'invalid_field', 'The username must be 3 to 32 characters long (it has 2).'],
    ['a'.repeat(33), 'invalid_field', 'The username must be 3 to 32 characters long (it has 33).'],
    [
      'john doe',
      'invalid_field',
      'The username may contain only letters, digits and the characters _ . -',
    ],
    [
      'jöhn',
      'invalid_field',
      'The username may contain only letters, digits and the characters _ . -',
    ],
    [
      '<script>',
      'invalid_field',
      'The username may contain only letters, digits and the characters _ . -',
    ],
  ])('should refuse %p with a 400 that says why', (value, code, message) => {
    expect(refusal(() => validateUsername(value))).toEqual({
      status: 400,
      code,
      field: 'username',
      message,
    });
  });
});

describe('validatePassword', () => {
  it.each(['12345678', 'p'.repeat(128), 'correct horse battery staple', 'пароль-пароль'])(
    'should accept %p',
    (password) => {
      expect(validatePassword(password)).toBe(password);
    },
  );

  it.each([
    [undefined, 'missing_field', 'Enter a password.'],
    ['1234567', 'invalid_field', 'The password must be 8 to 128 characters long.'],
    ['p'.repeat(129), 'invalid_field', 'The password must be 8 to 128 characters long.'],
    [12345678, 'invalid_field', 'Send "password" once, as text.'],
  ])('should refuse %p with a 400 that says why', (value, code, message) => {
    expect(refusal(() => validatePassword(value))).toEqual({
      status: 400,
      code,
      field: 'password',
      message,
    });
  });
});
