import { createServer, Server } from 'http';
import { AddressInfo } from 'net';
import {
  parsePrometheusText,
  readWorkerCounters,
  ScrapeMetricSourceAdapter,
} from './scrape.metric-source.adapter';

const exposition = (cpu: number, requests: [string, number][]) =>
  [
    '# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.',
    '# TYPE process_cpu_seconds_total counter',
    `process_cpu_seconds_total ${cpu}`,
    '# HELP http_requests_total Requests served.',
    '# TYPE http_requests_total counter',
    ...requests.map(
      ([route, n]) => `http_requests_total{route="${route}",method="GET",status="200"} ${n}`,
    ),
    '',
  ].join('\n');

describe('parsePrometheusText', () => {
  it('should read names, labels (with escapes) and values, skipping comments and bad lines', () => {
    const series = parsePrometheusText(
      [
        '# TYPE x counter',
        'up 1',
        'http_requests_total{route="/a \\"b\\", c",method="GET"} 12 1700000000000',
        'temperature_celsius -3.5e1',
        'broken{route="x} 3',
        'nothing_here',
        'inf_value +Inf',
      ].join('\n'),
    );
    expect(series).toEqual([
      { name: 'up', labels: {}, value: 1 },
      { name: 'http_requests_total', labels: { route: '/a "b", c', method: 'GET' }, value: 12 },
      { name: 'temperature_celsius', labels: {}, value: -35 },
      { name: 'inf_value', labels: {}, value: Infinity },
    ]);
  });

  it('should sum http_requests_total over every label set and read the CPU counter', () => {
    expect(
      readWorkerCounters(
        exposition(2.5, [
          ['/', 3],
          ['/api/upload', 4],
        ]),
      ),
    ).toEqual({
      cpuSeconds: 2.5,
      requests: 7,
    });
  });

  it('should report a null CPU and no requests when the series are absent', () => {
    expect(readWorkerCounters('other_metric 1\n')).toEqual({ cpuSeconds: null, requests: 0 });
  });
});

describe('ScrapeMetricSourceAdapter', () => {
  let server: Server;
  let address: string;
  let body = '';
  let hang = false;

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (hang) return; // never answers: the adapter's timeout must end the wait
      if (req.url !== '/metrics') {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain' }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => {
    hang = false;
  });

  const worker = (id = 'i-0000000a') => ({ id, address, launchedAt: new Date(0) });
  const t = (s: number) => new Date(Date.UTC(2025, 0, 1, 12, 0, s));

  it('should give a null CPU on the first scrape, then CPU % and requests as deltas over wall time', async () => {
    const adapter = new ScrapeMetricSourceAdapter();
    body = exposition(10, [['/', 100]]);
    const [first] = await adapter.collect([worker()], t(0));
    expect(first).toEqual({
      instanceId: 'i-0000000a',
      at: t(0),
      cpuPercent: null,
      requests: 0,
      intervalS: 0,
    });

    // 1.5 CPU seconds over 5 wall seconds = 30 % of one core; 100 → 112 requests.
    body = exposition(11.5, [
      ['/', 105],
      ['/api/upload', 7],
    ]);
    const [second] = await adapter.collect([worker()], t(5));
    expect(second).toEqual({
      instanceId: 'i-0000000a',
      at: t(5),
      cpuPercent: 30,
      requests: 12,
      intervalS: 5,
    });
  });

  it('should treat counters that went down as a restart: null CPU and the requests since it', async () => {
    const adapter = new ScrapeMetricSourceAdapter();
    body = exposition(50, [['/', 400]]);
    await adapter.collect([worker()], t(0));
    body = exposition(0.4, [['/', 3]]);
    const [sample] = await adapter.collect([worker()], t(5));
    expect(sample).toMatchObject({ cpuPercent: null, requests: 3, intervalS: 5 });
    // The restarted counters are the new baseline.
    body = exposition(0.9, [['/', 5]]);
    const [next] = await adapter.collect([worker()], t(10));
    expect(next).toMatchObject({ cpuPercent: 10, requests: 2 });
  });

  it('should answer a null sample for a worker that does not answer within the timeout or has no address', async () => {
    const adapter = new ScrapeMetricSourceAdapter({ timeoutMs: 300 });
    hang = true;
    const samples = await adapter.collect(
      [worker('i-0000000b'), { id: 'i-0000000c', address: null, launchedAt: new Date(0) }],
      t(0),
    );
    expect(samples).toEqual([
      { instanceId: 'i-0000000b', at: t(0), cpuPercent: null, requests: 0, intervalS: 0 },
      { instanceId: 'i-0000000c', at: t(0), cpuPercent: null, requests: 0, intervalS: 0 },
    ]);
  });

  it('should average over the longer interval after a failed scrape', async () => {
    const adapter = new ScrapeMetricSourceAdapter({ timeoutMs: 300 });
    body = exposition(1, [['/', 0]]);
    await adapter.collect([worker()], t(0));
    hang = true;
    expect((await adapter.collect([worker()], t(5)))[0]!.cpuPercent).toBeNull();
    hang = false;
    body = exposition(3, [['/', 10]]);
    // 2 CPU seconds over the 10 s since the last good scrape = 20 %.
    expect((await adapter.collect([worker()], t(10)))[0]).toMatchObject({
      cpuPercent: 20,
      requests: 10,
      intervalS: 10,
    });
  });

  it('should forget a worker that left the pool, so its return starts with a null CPU', async () => {
    const adapter = new ScrapeMetricSourceAdapter();
    body = exposition(1, []);
    await adapter.collect([worker()], t(0));
    await adapter.collect([], t(5));
    body = exposition(2, []);
    expect((await adapter.collect([worker()], t(10)))[0]!.cpuPercent).toBeNull();
  });
});
