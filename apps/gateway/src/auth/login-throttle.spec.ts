import { LoginThrottle } from './login-throttle';

describe('LoginThrottle', () => {
  let now: number;
  const clock = () => now;
  beforeEach(() => (now = 1_000_000));

  const failTimes = (throttle: LoginThrottle, client: string, times: number) => {
    for (let i = 0; i < times; i++) throttle.fail(client);
  };

  it('should let a client try until it has failed maxFailures times in the window', () => {
    const throttle = new LoginThrottle(3, 60_000, clock);
    failTimes(throttle, '10.0.0.1', 2);
    expect(throttle.check('10.0.0.1')).toEqual({ blocked: false });
    throttle.fail('10.0.0.1');
    expect(throttle.check('10.0.0.1')).toEqual({ blocked: true, retryAfterS: 60 });
    // Another address is not concerned.
    expect(throttle.check('10.0.0.2')).toEqual({ blocked: false });
  });

  it('should count down Retry-After and let the client in once the oldest failure leaves', () => {
    const throttle = new LoginThrottle(2, 60_000, clock);
    throttle.fail('a');
    now += 10_000;
    throttle.fail('a');
    now += 20_500;
    // Blocked until the first failure (at 0 s) is 60 s old: 29.5 s left, rounded up.
    expect(throttle.check('a')).toEqual({ blocked: true, retryAfterS: 30 });
    now += 29_500;
    expect(throttle.check('a')).toEqual({ blocked: false });
    // One failure (at 10 s) is still in the window: one more failure blocks again, until 70 s.
    throttle.fail('a');
    expect(throttle.check('a')).toEqual({ blocked: true, retryAfterS: 10 });
  });

  it('should forget a client after a success', () => {
    const throttle = new LoginThrottle(2, 60_000, clock);
    failTimes(throttle, 'a', 2);
    throttle.succeed('a');
    expect(throttle.check('a')).toEqual({ blocked: false });
    expect(throttle.size).toBe(0);
  });

  it('should prune clients whose failures have all expired', () => {
    const throttle = new LoginThrottle(5, 60_000, clock);
    failTimes(throttle, 'a', 1);
    failTimes(throttle, 'b', 1);
    now += 61_000;
    throttle.fail('c');
    expect(throttle.size).toBe(1);
  });

  it('should remember at most maxClients addresses, forgetting the least recent first', () => {
    const throttle = new LoginThrottle(1, 60_000, clock, 2);
    throttle.fail('a');
    throttle.fail('b');
    throttle.fail('a');
    throttle.fail('c');
    expect(throttle.size).toBe(2);
    expect(throttle.check('b')).toEqual({ blocked: false });
    expect(throttle.check('a').blocked).toBe(true);
    expect(throttle.check('c').blocked).toBe(true);
  });
});
