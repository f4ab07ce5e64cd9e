import { isProxySpec } from '../worker.config';
import { FailureCount, ThrottleLimits, decideThrottle, throttleKey } from './login-throttle';

const LIMITS: ThrottleLimits = { maxPerPair: 5, maxPerAddress: 20, windowMs: 60_000 };
const NOW = 1_000_000;

describe('decideThrottle', () => {
  it.each<[string, FailureCount[], ReturnType<typeof decideThrottle>]>([
    ['no failures at all: go ahead', [], { refused: false }],
    [
      'a pair below its limit: go ahead (the 5th failure is still a 401, the 6th try is refused)',
      [{ scope: 'pair', failures: 4, windowStartMs: NOW - 1000 }],
      { refused: false },
    ],
    [
      'a pair at its limit: refused until its window ends (59 s left)',
      [{ scope: 'pair', failures: 5, windowStartMs: NOW - 1000 }],
      { refused: true, scope: 'pair', retryAfterS: 59 },
    ],
    [
      'a pair at its limit whose window has ended: counts for nothing',
      [{ scope: 'pair', failures: 50, windowStartMs: NOW - 60_000 }],
      { refused: false },
    ],
    [
      'an address with 19 failures over many accounts: go ahead',
      [{ scope: 'address', failures: 19, windowStartMs: NOW - 1000 }],
      { refused: false },
    ],
    [
      'an address at its limit: refused, even for an account it never failed on',
      [{ scope: 'address', failures: 20, windowStartMs: NOW - 30_000 }],
      { refused: true, scope: 'address', retryAfterS: 30 },
    ],
    [
      'both over: the longer wait is told',
      [
        { scope: 'pair', failures: 5, windowStartMs: NOW - 50_000 },
        { scope: 'address', failures: 25, windowStartMs: NOW - 10_000 },
      ],
      { refused: true, scope: 'address', retryAfterS: 50 },
    ],
    [
      'less than a second left: Retry-After is at least 1',
      [{ scope: 'pair', failures: 5, windowStartMs: NOW - 59_999 }],
      { refused: true, scope: 'pair', retryAfterS: 1 },
    ],
  ])('%s', (_, counts, expected) => {
    expect(decideThrottle(counts, LIMITS, NOW)).toEqual(expected);
  });
});

describe('throttleKey', () => {
  it('should key a pair by account (any case) and address, and an address alone', () => {
    expect(throttleKey('pair', 'Alice', '10.0.0.1')).toBe(throttleKey('pair', 'alice', '10.0.0.1'));
    expect(throttleKey('pair', 'alice', '10.0.0.1')).not.toBe(
      throttleKey('pair', 'alice', '10.0.0.2'),
    );
    expect(throttleKey('address', 'alice', '10.0.0.1')).toBe(
      throttleKey('address', 'bob', '10.0.0.1'),
    );
    expect(throttleKey('pair', 'alice', '10.0.0.1')).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('isProxySpec', () => {
  it.each([
    ['loopback', true],
    ['uniquelocal', true],
    ['10.0.0.0/8', true],
    ['10.1.2.3', true],
    ['fd00::/8', true],
    ['10.0.0.0/33', false],
    ['10.0.0.0/8/1', false],
    ['anywhere', false],
    ['', false],
  ])('%p → %p', (item, ok) => {
    expect(isProxySpec(item)).toBe(ok);
  });
});
