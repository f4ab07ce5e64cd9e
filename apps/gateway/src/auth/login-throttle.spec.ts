import { clientAddressOf, LoginThrottle } from './login-throttle';

describe('LoginThrottle', () => {
  let now: number;
  const clock = () => now;
  beforeEach(() => (now = 1_000_000));

  const throttleOf = (
    maxFailures: number,
    windowMs: number,
    more: { perAddress?: number; maxClients?: number } = {},
  ) =>
    new LoginThrottle({
      maxFailures,
      maxFailuresPerAddress: more.perAddress ?? maxFailures * 4,
      windowMs,
      clock,
      maxClients: more.maxClients,
    });

  const failTimes = (throttle: LoginThrottle, client: string, times: number, user = 'admin') => {
    for (let i = 0; i < times; i++) throttle.fail(client, user);
  };

  it('should let a client try until it has failed maxFailures times in the window', () => {
    const throttle = throttleOf(3, 60_000);
    failTimes(throttle, '10.0.0.1', 2);
    expect(throttle.check('10.0.0.1', 'admin')).toEqual({ blocked: false });
    throttle.fail('10.0.0.1', 'admin');
    expect(throttle.check('10.0.0.1', 'admin')).toEqual({ blocked: true, retryAfterS: 60 });
    // Another address is not concerned: no count spans addresses (no lock-out from elsewhere).
    expect(throttle.check('10.0.0.2', 'admin')).toEqual({ blocked: false });
  });

  it('should never refuse an address that has not failed, however many others did', () => {
    const throttle = throttleOf(3, 60_000);
    for (let i = 0; i < 500; i++) failTimes(throttle, `198.51.100.${i % 250}`, 3);
    expect(throttle.check('203.0.113.7', 'admin')).toEqual({ blocked: false });
  });

  it('should count per (address, user) and refuse the address once it tried too many names', () => {
    const throttle = throttleOf(3, 60_000, { perAddress: 5 });
    failTimes(throttle, 'a', 3, 'root');
    // "root" is refused from a; the admin from a has not failed there yet.
    expect(throttle.check('a', 'root').blocked).toBe(true);
    expect(throttle.check('a', 'admin')).toEqual({ blocked: false });
    failTimes(throttle, 'a', 2, 'guest');
    // Five failures from a: the address is refused for every name.
    expect(throttle.check('a', 'admin')).toEqual({ blocked: true, retryAfterS: 60 });
    expect(throttle.check('b', 'admin')).toEqual({ blocked: false });
  });

  it('should count down Retry-After and let the client in once the oldest failure leaves', () => {
    const throttle = throttleOf(2, 60_000);
    throttle.fail('a', 'admin');
    now += 10_000;
    throttle.fail('a', 'admin');
    now += 20_500;
    // Blocked until the first failure (at 0 s) is 60 s old: 29.5 s left, rounded up.
    expect(throttle.check('a', 'admin')).toEqual({ blocked: true, retryAfterS: 30 });
    now += 29_500;
    expect(throttle.check('a', 'admin')).toEqual({ blocked: false });
    // One failure (at 10 s) is still in the window: one more failure blocks again, until 70 s.
    throttle.fail('a', 'admin');
    expect(throttle.check('a', 'admin')).toEqual({ blocked: true, retryAfterS: 10 });
  });

  it('should answer the longer wait when both counts refuse', () => {
    const throttle = throttleOf(2, 60_000, { perAddress: 3 });
    throttle.fail('a', 'x');
    now += 20_000;
    failTimes(throttle, 'a', 2, 'admin');
    // The pair waits 60 s (its first failure is now), the address 40 s.
    expect(throttle.check('a', 'admin')).toEqual({ blocked: true, retryAfterS: 60 });
  });

  it('should forget a client after a success', () => {
    const throttle = throttleOf(2, 60_000);
    failTimes(throttle, 'a', 2);
    throttle.succeed('a', 'admin');
    expect(throttle.check('a', 'admin')).toEqual({ blocked: false });
    expect(throttle.size).toBe(0);
  });

  it('should prune clients whose failures have all expired', () => {
    const throttle = throttleOf(5, 60_000);
    failTimes(throttle, 'a', 1);
    failTimes(throttle, 'b', 1);
    now += 61_000;
    throttle.fail('c', 'admin');
    expect(throttle.size).toBe(1);
  });

  it('should remember at most maxClients addresses, forgetting the least recent first', () => {
    const throttle = throttleOf(1, 60_000, { maxClients: 2 });
    throttle.fail('a', 'admin');
    throttle.fail('b', 'admin');
    throttle.fail('a', 'admin');
    throttle.fail('c', 'admin');
    expect(throttle.size).toBe(2);
    expect(throttle.check('b', 'admin')).toEqual({ blocked: false });
    expect(throttle.check('a', 'admin').blocked).toBe(true);
    expect(throttle.check('c', 'admin').blocked).toBe(true);
  });
});

describe('clientAddressOf', () => {
  it.each([
    [{ ip: '203.0.113.7' }, '203.0.113.7'],
    [{ ip: '::ffff:203.0.113.7' }, '203.0.113.7'],
    [{ ip: '2001:db8::1' }, '2001:db8::1'],
    [{ socket: { remoteAddress: '127.0.0.1' } }, '127.0.0.1'],
    [{}, 'unknown'],
  ])('should throttle %j as %s', (req, address) => {
    expect(clientAddressOf(req)).toBe(address);
  });
});
