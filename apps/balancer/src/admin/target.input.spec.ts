import { isHostPort, parseRegisterTarget, parseTargetId } from './target.input';

describe('isHostPort', () => {
  it.each([
    ['127.0.0.1:5123', true],
    ['localhost:80', true],
    ['worker-1.internal:65535', true],
    ['[::1]:5000', true],
    ['127.0.0.1', false], // no port
    ['127.0.0.1:0', false], // port 0 is not a listening port
    ['127.0.0.1:65536', false],
    ['127.0.0.1:http', false],
    [':5000', false], // no host
    ['http://127.0.0.1:5000', false], // a URL, not an address
    ['bad host:5000', false],
    ['127.0.0.1:5000/path', false],
  ])('%s → %s', (address, ok) => {
    expect(isHostPort(address)).toBe(ok);
  });
});

describe('parseTargetId', () => {
  it.each([
    ['i-0123456789abcdef0', true],
    ['worker.1_a-b', true],
    ['', false],
    ['-leading-dash', false],
    ['a'.repeat(65), false],
    ['has space', false],
    ['../etc', false],
  ])('%j valid: %s', (id, ok) => {
    expect(parseTargetId(id).ok).toBe(ok);
  });
});

describe('parseRegisterTarget', () => {
  it('should accept an id and {address}', () => {
    expect(parseRegisterTarget('i-abc', { address: '127.0.0.1:5123' })).toEqual({
      ok: true,
      value: { id: 'i-abc', address: '127.0.0.1:5123' },
    });
  });

  it.each([
    ['no body (wrong content type)', undefined, { body: expect.any(Array) }],
    ['an array', [{ address: '127.0.0.1:1' }], { body: expect.any(Array) }],
    ['a missing address', {}, { address: ['is required'] }],
    ['a non-string address', { address: 5123 }, { address: ['must be a string'] }],
    [
      'an address without port',
      { address: '127.0.0.1' },
      { address: [expect.stringMatching(/host:port/)] },
    ],
    [
      'an unknown field (a typo must not pass silently)',
      { address: '127.0.0.1:1', adress: 'x' },
      { adress: [expect.stringMatching(/not a known field/)] },
    ],
  ])('should refuse %s, naming the field', (_name, body, fields) => {
    expect(parseRegisterTarget('i-abc', body)).toEqual({ ok: false, fields });
  });

  it.each(['__proto__', 'constructor'])(
    'should refuse a %s field as JSON.parse makes it (an own key), naming it',
    (key) => {
      const body = JSON.parse(`{"address": "127.0.0.1:1", "${key}": {"admin": true}}`) as unknown;
      const result = parseRegisterTarget('i-abc', body);
      expect(result.ok).toBe(false);
      expect(!result.ok && Object.keys(result.fields)).toEqual([key]);
    },
  );

  it('should report a bad id and a bad address together', () => {
    const result = parseRegisterTarget('bad id', { address: 'nope' });
    expect(result.ok).toBe(false);
    expect(!result.ok && Object.keys(result.fields).sort()).toEqual(['address', 'id']);
  });
});
