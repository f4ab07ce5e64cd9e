import { ApiRequestHeaders, crossSiteRefusal, normalizeOrigin } from './cross-site';

const OWN = 'http://127.0.0.1:5000';

/** call is a JSON POST from a script (curl): no Origin, no Sec-Fetch-*. */
function call(overrides: Partial<ApiRequestHeaders> = {}): ApiRequestHeaders {
  return {
    method: 'POST',
    ownOrigin: OWN,
    origin: undefined,
    secFetchSite: undefined,
    contentType: 'application/json',
    hasBody: true,
    ...overrides,
  };
}

describe('crossSiteRefusal', () => {
  it.each<[string, Partial<ApiRequestHeaders>]>([
    ['a script sending JSON', {}],
    ['a script with JSON and a charset', { contentType: 'application/json; charset=utf-8' }],
    ['a script sending nothing (curl -X POST)', { contentType: undefined, hasBody: false }],
    ['the manager’s own origin', { origin: OWN }],
    [
      'the own origin with its default port spelt out',
      { origin: 'http://127.0.0.1:80', ownOrigin: 'http://127.0.0.1' },
    ],
    ['an allowed origin', { origin: 'https://ops.example.com' }],
    [
      'an allowed origin, which the browser calls cross-site',
      { origin: 'https://ops.example.com', secFetchSite: 'cross-site' },
    ],
    ['Sec-Fetch-Site same-origin', { secFetchSite: 'same-origin' }],
    ['Sec-Fetch-Site none (typed by the user)', { secFetchSite: 'none' }],
    [
      'a GET from anywhere',
      { method: 'GET', origin: 'https://evil.example', contentType: 'text/plain' },
    ],
    [
      'a browser’s body-less JSON DELETE from the own origin',
      { method: 'DELETE', origin: OWN, hasBody: false },
    ],
  ])('should let %s through', (_what, overrides) => {
    expect(crossSiteRefusal(call(overrides), ['https://ops.example.com'])).toBeUndefined();
  });

  it.each<[string, Partial<ApiRequestHeaders>, number]>([
    ['another origin', { origin: 'https://evil.example' }, 403],
    ['the own host on another scheme', { origin: 'https://127.0.0.1:5000' }, 403],
    ['the own host on another port', { origin: 'http://127.0.0.1:5001' }, 403],
    ['Origin null (sandboxed frame, file:)', { origin: 'null' }, 403],
    ['a garbage Origin', { origin: 'not an origin' }, 403],
    ['Sec-Fetch-Site cross-site', { secFetchSite: 'cross-site' }, 403],
    ['Sec-Fetch-Site same-site (a sibling subdomain)', { secFetchSite: 'same-site' }, 403],
    [
      'a sibling subdomain not allowed',
      { origin: 'https://evil.example.com', secFetchSite: 'same-site' },
      403,
    ],
    [
      'Sec-Fetch-Site cross-site even with the own Origin',
      { origin: OWN, secFetchSite: 'cross-site' },
      403,
    ],
    ['a urlencoded body', { contentType: 'application/x-www-form-urlencoded' }, 415],
    ['a multipart body', { contentType: 'multipart/form-data; boundary=x' }, 415],
    ['a text/plain body (JSON in a form’s text/plain)', { contentType: 'text/plain' }, 415],
    ['a body without a type', { contentType: undefined }, 415],
    ['application/json-ish', { contentType: 'application/jsonx' }, 415],
    [
      'a body-less form POST from the own origin',
      { origin: OWN, hasBody: false, contentType: 'application/x-www-form-urlencoded' },
      415,
    ],
    [
      'a body-less browser POST without a type',
      { secFetchSite: 'same-origin', hasBody: false, contentType: undefined },
      415,
    ],
    ['a PUT with a form body', { method: 'PUT', contentType: 'text/plain' }, 415],
    [
      'a DELETE from another origin',
      { method: 'DELETE', origin: 'https://evil.example', hasBody: false },
      403,
    ],
    ['a PATCH from another site', { method: 'patch', secFetchSite: 'cross-site' }, 403],
  ])('should refuse %s', (_what, overrides, status) => {
    expect(crossSiteRefusal(call(overrides), ['https://ops.example.com'])).toMatchObject({
      status,
      code: status === 403 ? 'cross-site' : 'unsupported-media-type',
    });
  });

  it('should name the refused origin and the wrong content type', () => {
    expect(crossSiteRefusal(call({ origin: 'https://evil.example' }), [])?.message).toContain(
      'Origin https://evil.example is not this manager',
    );
    expect(crossSiteRefusal(call({ contentType: 'text/plain' }), [])?.message).toBe(
      'Content-Type must be application/json, not text/plain.',
    );
  });
});

describe('normalizeOrigin', () => {
  it.each([
    ['https://Example.COM:443', 'https://example.com'],
    ['http://[::1]:5000', 'http://[::1]:5000'],
    ['null', undefined],
    ['ftp://example.com', undefined],
  ])('should turn %j into %j', (input, expected) => {
    expect(normalizeOrigin(input)).toBe(expected);
  });
});
