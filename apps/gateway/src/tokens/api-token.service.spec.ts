import { API_TOKEN_PATTERN, hashApiToken, parseBearer } from './api-token.service';

describe('parseBearer', () => {
  it.each([
    ['Bearer ebf_abc', 'ebf_abc'],
    ['bearer   ebf_abc  ', 'ebf_abc'],
    ['Basic YWRtaW46eA==', undefined],
    ['Bearer', undefined],
    ['Bearer two words', undefined],
    [undefined, undefined],
  ])('should read %j as %j', (header, token) => {
    expect(parseBearer(header)).toBe(token);
  });
});

describe('API tokens', () => {
  it('should hash with SHA-256 (hex), never keep the token', () => {
    // The FIPS 180-2 test vector for "abc".
    expect(hashApiToken('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it.each([
    [`ebf_${'A'.repeat(43)}`, true],
    [`ebf_${'A'.repeat(42)}`, false],
    [`xyz_${'A'.repeat(43)}`, false],
    [`ebf_${'A'.repeat(42)}=`, false],
  ])('should take %s for a token shape: %j', (token, ok) => {
    expect(API_TOKEN_PATTERN.test(token)).toBe(ok);
  });
});
