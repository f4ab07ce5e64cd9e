import { tidyFieldErrors } from '../http/describe-error';
import { InvalidInputError } from '../http/gateway.errors';
import { toWorkerMetrics } from './metric-series';
import { parseGrowRequest, parseInstanceId, parseLimit, parseMinutes } from './workers.requests';

const fieldsOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof InvalidInputError) return tidyFieldErrors(error.fields);
    throw error;
  }
  throw new Error('no error thrown');
};

describe('request parsing', () => {
  it.each([
    [{}, 1],
    [undefined, 1],
    [{ count: 20 }, 20],
  ])('should read grow body %j as %i workers', (body, count) => {
    expect(parseGrowRequest(body)).toBe(count);
  });

  it.each([
    [{ count: 0 }, { count: ['count must be at least 1'] }],
    [{ count: '3' }, { count: ['count must be a whole number'] }],
    [{ count: null }, { count: ['count must be a whole number'] }],
    [{ count: 1.5 }, { count: ['count must be a whole number'] }],
    [{ count: -1 }, { count: ['count must be at least 1'] }],
    [{ count: 21 }, { count: ['count must be at most 20'] }],
    [{ count: 1e9 }, { count: ['count must be at most 20'] }],
    [{ count: true }, { count: ['count must be a whole number'] }],
    [{ count: 2, force: true }, { force: ['property force should not exist'] }],
    [
      JSON.parse('{"__proto__": {"count": 5}}'),
      JSON.parse('{"__proto__": ["property __proto__ should not exist"]}'),
    ],
    [{ constructor: 1 }, { constructor: ['property constructor should not exist'] }],
    [null, { payload: ['must be a JSON object'] }],
    ['5', { payload: ['must be a JSON object'] }],
    [[1], { payload: ['must be a JSON object'] }],
  ])('should refuse grow body %j', (body, fields) => {
    expect(fieldsOf(() => parseGrowRequest(body))).toEqual(fields);
  });

  it.each(['i-0123abcd', 'i-0123456789abcdef0'])('should accept the id %s', (id) => {
    expect(parseInstanceId(id)).toBe(id);
  });

  it.each(['i-0123', 'I-0123ABCD', 'x', 'i-0123abcd/../x'])('should refuse the id %s', (id) => {
    expect(Object.keys(fieldsOf(() => parseInstanceId(id)))).toEqual(['id']);
  });

  it('should read minutes and limit with their defaults and bounds', () => {
    expect(parseMinutes(undefined)).toBe(30);
    expect(parseMinutes('1440')).toBe(1440);
    expect(fieldsOf(() => parseMinutes('1441'))).toEqual({
      minutes: ['must be a whole number from 1 to 1440'],
    });
    expect(fieldsOf(() => parseMinutes(['1', '2']))).toHaveProperty('minutes');
    expect(parseLimit(undefined, 50, 1000)).toBe(50);
    expect(parseLimit('7', 50, 1000)).toBe(7);
    expect(fieldsOf(() => parseLimit('1e3', 50, 1000))).toHaveProperty('limit');
  });
});

describe('toWorkerMetrics', () => {
  it('should give one CPU and one request point per minute, oldest first', () => {
    const metrics = toWorkerMetrics(
      {
        instanceId: 'i-0123abcd',
        points: [
          { minute: '2026-01-01T10:01:00.000Z', cpuAvg: 12.3456, requests: 4 },
          { minute: '2026-01-01T10:00:00.000Z', cpuAvg: null, requests: 0 },
        ],
      },
      2,
    );
    expect(metrics).toEqual({
      instanceId: 'i-0123abcd',
      minutes: 2,
      cpu: [
        { t: '2026-01-01T10:00:00.000Z', v: null },
        { t: '2026-01-01T10:01:00.000Z', v: 12.35 },
      ],
      requests: [
        { t: '2026-01-01T10:00:00.000Z', v: 0 },
        { t: '2026-01-01T10:01:00.000Z', v: 4 },
      ],
    });
  });
});
