import { ageOf, jsonForScript } from './view-helpers';

describe('jsonForScript', () => {
  it('should never let data close the script block', () => {
    const text = jsonForScript({ message: '</script><script>alert(1)</script>&' });
    expect(text).not.toContain('<');
    expect(text).not.toContain('>');
    expect(JSON.parse(text)).toEqual({ message: '</script><script>alert(1)</script>&' });
  });
});

describe('ageOf', () => {
  const now = Date.parse('2026-01-01T12:00:00.000Z');
  it.each([
    ['2026-01-01T11:59:18.000Z', '42 s'],
    ['2026-01-01T11:55:00.000Z', '5 min'],
    ['2026-01-01T08:50:00.000Z', '3 h 10 min'],
    ['2025-12-30T12:00:00.000Z', '2 d'],
    ['2026-01-01T12:00:05.000Z', '0 s'],
  ])('should phrase %s as %s', (iso, text) => {
    expect(ageOf(iso, now)).toBe(text);
  });
});
