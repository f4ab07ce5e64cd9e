import { performance } from 'perf_hooks';
import { UserError } from '../common/user-error';
import { burnCpu } from './burn-cpu';
import { parseMs } from './load.controller';

describe('parseMs', () => {
  it.each([
    ['1', 10000, 1],
    ['10000', 10000, 10000],
    ['60000', 60000, 60000],
  ])('should accept %p (max %i)', (value, max, ms) => {
    expect(parseMs(value, max)).toBe(ms);
  });

  it.each([undefined, '', '0', '10001', '-1', '1.5', '1e3', 'abc', ['5']])(
    'should refuse %p with a 400 on field ms',
    (value) => {
      expect(() => parseMs(value, 10000)).toThrow(UserError);
      expect(() => parseMs(value, 10000)).toThrow(
        'ms must be a whole number of milliseconds from 1 to 10000.',
      );
    },
  );
});

describe('burnCpu', () => {
  it('should last at least ms while still letting other callbacks run between slices', async () => {
    let ticks = 0;
    const ticker = setInterval(() => (ticks += 1), 1);
    const started = performance.now();
    try {
      await burnCpu(200, 10);
    } finally {
      clearInterval(ticker);
    }
    expect(performance.now() - started).toBeGreaterThanOrEqual(200);
    // The event loop was not blocked for the whole burn: timers ran between slices.
    expect(ticks).toBeGreaterThan(0);
  });
});
