import { FLEET_SNAPSHOT, FleetSnapshot, GrowCommand, PolicyChanged } from '@app/contracts';
import { MessageValidationError } from './errors';
import { validatePayload } from './validate';

const ID = '0b6f2d3e-8c1a-4f7e-9d2b-1a2b3c4d5e6f';
const grow = (extra: string) => `{"count":1,"commandId":"${ID}",${extra}}`;
const WORKER = `{"id":"i-0123abcd","state":"running","health":"healthy","address":null,"launchedAt":"2025-01-01T00:00:00.000Z"}`;

/** fieldsOf validates `json` (parsed as the broker's bytes are) and returns its field errors. */
function fieldsOf(dto: new () => object, json: string): Record<string, string[]> | 'valid' {
  try {
    validatePayload('test', dto, JSON.parse(json));
    return 'valid';
  } catch (error) {
    if (error instanceof MessageValidationError) return error.fields;
    throw error;
  }
}

describe('validatePayload', () => {
  it.each([
    // class-transformer drops these silently, so the whitelist alone let them through (issue #10).
    [
      '__proto__ (an own key, as JSON.parse makes it)',
      grow('"__proto__":{"count":99}'),
      '__proto__',
    ],
    ['__proto__: null', grow('"__proto__":null'), '__proto__'],
    ['constructor', grow('"constructor":{"prototype":{}}'), 'constructor'],
    ['a name of an Object.prototype member', grow('"hasOwnProperty":1'), 'hasOwnProperty'],
    ['toString', grow('"toString":"x"'), 'toString'],
    ['prototype', grow('"prototype":1'), 'prototype'],
    ['any unknown field', grow('"extra":1'), 'extra'],
  ])('should refuse a command with %s, naming the key', (_what, json, key) => {
    expect(fieldsOf(GrowCommand, json)).toEqual({ [key]: [`property ${key} should not exist`] });
  });

  it.each([
    [
      'in a nested DTO',
      FleetSnapshot,
      `{"desired":1,"at":"2025-01-01T00:00:00.000Z","workers":[${WORKER.replace('{', '{"__proto__":{},')}]}`,
      'workers.0.__proto__',
    ],
    [
      'in a plain nested object',
      PolicyChanged,
      `{"policy":{"constructor":1},"enabled":true,"cause":"x","at":"2025-01-01T00:00:00.000Z"}`,
      'policy.constructor',
    ],
  ])('should refuse __proto__ or constructor %s', (_what, dto, json, path) => {
    const fields = fieldsOf(dto, json);
    expect(fields).not.toBe('valid');
    expect((fields as Record<string, string[]>)[path]).toEqual([
      `property ${path.split('.').at(-1)} should not exist`,
    ]);
  });

  it('should keep accepting a valid command and a valid nested event', () => {
    expect(fieldsOf(GrowCommand, grow('"reason":"manual: New"'))).toBe('valid');
    expect(
      fieldsOf(
        FleetSnapshot,
        `{"desired":1,"at":"2025-01-01T00:00:00.000Z","workers":[${WORKER}]}`,
      ),
    ).toBe('valid');
    expect(FLEET_SNAPSHOT.dto).toBe(FleetSnapshot);
  });

  it('should report an unknown key and a bad value together', () => {
    expect(fieldsOf(GrowCommand, `{"count":0,"commandId":"${ID}","toString":{}}`)).toEqual({
      toString: ['property toString should not exist'],
      count: ['count must not be less than 1'],
    });
  });
});
