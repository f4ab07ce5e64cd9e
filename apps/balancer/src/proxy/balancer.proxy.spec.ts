import { isWorkerMetricsPath, staleSocketFailure } from './balancer.proxy';

const get = { headers: {}, readableDidRead: false };
const postRead = { headers: { 'content-length': '7' }, readableDidRead: true };
const postUnread = { headers: { 'transfer-encoding': 'chunked' }, readableDidRead: false };

describe('staleSocketFailure (the keep-alive race: safe to send again)', () => {
  it.each([
    // [name, reusedSocket, answered, request, code, expected]
    ['a GET reset on a reused socket, nothing answered', true, false, get, 'ECONNRESET', true],
    ['a GET whose write hit a closed reused socket', true, false, get, 'EPIPE', true],
    [
      'a POST whose body was not read yet (it can be sent whole again)',
      true,
      false,
      postUnread,
      'ECONNRESET',
      true,
    ],
    [
      'a POST whose body was already read: it cannot be sent again',
      true,
      false,
      postRead,
      'ECONNRESET',
      false,
    ],
    [
      'a new connection reset: the worker may have seen the request',
      false,
      false,
      get,
      'ECONNRESET',
      false,
    ],
    [
      'the worker had started to answer: it acted on the request',
      true,
      true,
      get,
      'ECONNRESET',
      false,
    ],
    ['another error (refused is handled on its own)', true, false, get, 'ECONNREFUSED', false],
  ])('%s → %s', (_name, reusedSocket, answered, req, code, expected) => {
    expect(staleSocketFailure({ reusedSocket }, answered, req, code)).toBe(expected);
  });
});

describe('isWorkerMetricsPath (not forwarded: the metrics service scrapes workers directly)', () => {
  it.each([
    ['/metrics', true],
    ['/metrics?format=text', true],
    ['/metrics/', true],
    ['/METRICS', true], // Express routes are case-insensitive
    ['//metrics', true],
    ['/%6detrics', true], // %-escaped m
    ['/metrics/anything', true],
    ['http://example.com/metrics', true], // absolute-form request target
    // Dot segments: the proxy resolves them (WHATWG URL) before forwarding.
    ['/api/../metrics', true],
    ['/./metrics', true],
    ['/api/%2e%2e/metrics', true],
    ['/a/b/../../metrics/', true],
    ['/api\\..\\metrics', true],
    ['/../../metrics', true],
    ['/metrics/../login', false],
    ['/', false],
    ['/metricsx', false],
    ['/api/metrics', false],
    ['/health', false],
    ['/login?next=/metrics', false],
    ['/%zz', false], // a broken escape is not the metrics path
  ])('%s → %s', (url, blocked) => {
    expect(isWorkerMetricsPath(url)).toBe(blocked);
  });
});
