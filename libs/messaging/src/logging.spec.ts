import { ConfigError } from '@app/config';
import { colorsWanted, nestLogLevels, useServiceLogger } from './logging';

describe('nestLogLevels', () => {
  it.each([
    ['error', ['fatal', 'error']],
    ['warn', ['fatal', 'error', 'warn']],
    // log: no debug, so Nest's route tables and module lines (ServiceLogger) stay hidden.
    ['log', ['fatal', 'error', 'warn', 'log']],
    ['debug', ['fatal', 'error', 'warn', 'log', 'debug', 'verbose']],
  ] as const)('LOG_LEVEL=%s prints %j', (level, expected) => {
    expect(nestLogLevels(level)).toEqual(expected);
  });
});

describe('colorsWanted', () => {
  it.each<[NodeJS.ProcessEnv, boolean, boolean, string]>([
    [{}, false, false, 'a file or pipe gets no escape sequences'],
    [{}, true, true, 'a terminal gets colours'],
    [{ NO_COLOR: '1' }, true, false, 'NO_COLOR wins'],
    [{ FORCE_COLOR: '0' }, true, false, 'FORCE_COLOR=0 (start.js when not on a terminal)'],
    [
      { FORCE_COLOR: '1' },
      false,
      true,
      'FORCE_COLOR=1 (start.js on a terminal, services on its pipe)',
    ],
  ])('%j, isTTY %s → %s (%s)', (env, isTTY, expected) => {
    expect(colorsWanted(env, isTTY)).toBe(expected);
  });
});

describe('useServiceLogger', () => {
  it('should refuse a LOG_LEVEL it does not know, naming the variable', () => {
    expect(() => useServiceLogger({ LOG_LEVEL: 'verbose' })).toThrow(ConfigError);
    expect(() => useServiceLogger({ LOG_LEVEL: 'verbose' })).toThrow(/LOG_LEVEL: must be one of/);
  });
});
