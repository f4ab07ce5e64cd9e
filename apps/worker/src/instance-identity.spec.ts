import 'reflect-metadata';
import { AddressInfo } from 'net';
import { IncomingMessage, Server, ServerResponse, createServer } from 'http';
import { ConfigError } from '@app/config';
import { loadWorkerConfig } from './worker.config';
import { fetchImdsIdentity, resolveInstanceIdentity } from './instance-identity';

const TOKEN = 'imds-token-abc';
const SECRET = 's'.repeat(32);

/** A local stand-in for IMDSv2 on 127.0.0.1: GETs without the session token get 401. */
function imdsServer(
  handler?: (req: IncomingMessage, res: ServerResponse) => boolean,
): Promise<{ server: Server; url: string; calls: string[] }> {
  const calls: string[] = [];
  const server = createServer((req, res) => {
    calls.push(`${req.method} ${req.url}`);
    if (handler?.(req, res)) return;
    if (req.method === 'PUT' && req.url === '/latest/api/token') {
      if (!req.headers['x-aws-ec2-metadata-token-ttl-seconds'])
        return void res.writeHead(400).end();
      return void res.end(TOKEN);
    }
    if (req.headers['x-aws-ec2-metadata-token'] !== TOKEN) return void res.writeHead(401).end();
    if (req.url === '/latest/meta-data/instance-id') return void res.end('i-0abc123def4567890');
    if (req.url === '/latest/meta-data/placement/region') return void res.end('eu-west-3');
    res.writeHead(404).end();
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        server,
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        calls,
      }),
    ),
  );
}

describe('resolveInstanceIdentity', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  });
  const start = async (handler?: (req: IncomingMessage, res: ServerResponse) => boolean) => {
    const imds = await imdsServer(handler);
    servers.push(imds.server);
    return imds;
  };
  const awsEnv = (endpoint: string, extra: NodeJS.ProcessEnv = {}) => ({
    CLOUD_PROVIDER: 'aws',
    SESSION_SECRET: SECRET,
    AWS_EC2_METADATA_SERVICE_ENDPOINT: endpoint,
    WORKER_IMDS_TIMEOUT_MS: '300',
    ...extra,
  });

  it('should take the instance id and region from IMDSv2 (token first, then the token on each GET)', async () => {
    const imds = await start();
    const source = awsEnv(imds.url);
    const config = await resolveInstanceIdentity(loadWorkerConfig(source), source);
    expect(config.INSTANCE_ID).toBe('i-0abc123def4567890');
    expect(config.AWS_REGION).toBe('eu-west-3');
    expect(imds.calls).toEqual([
      'PUT /latest/api/token',
      'GET /latest/meta-data/instance-id',
      'GET /latest/meta-data/placement/region',
    ]);
  });

  it('should keep an explicit AWS_REGION', async () => {
    const imds = await start();
    const source = awsEnv(imds.url, { AWS_REGION: 'us-west-2' });
    const config = await resolveInstanceIdentity(loadWorkerConfig(source), source);
    expect(config).toMatchObject({ INSTANCE_ID: 'i-0abc123def4567890', AWS_REGION: 'us-west-2' });
  });

  it('should not ask the metadata service when INSTANCE_ID is set, nor in local mode', async () => {
    const imds = await start();
    const explicit = awsEnv(imds.url, { INSTANCE_ID: 'i-0123abcd' });
    expect((await resolveInstanceIdentity(loadWorkerConfig(explicit), explicit)).INSTANCE_ID).toBe(
      'i-0123abcd',
    );
    const local = { AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.url };
    const config = loadWorkerConfig(local);
    expect((await resolveInstanceIdentity(config, local)).INSTANCE_ID).toBe(config.INSTANCE_ID);
    expect(imds.calls).toEqual([]);
  });

  it('should get 401 from the stand-in without the token (IMDSv1 style)', async () => {
    const imds = await start();
    const reply = await fetch(`${imds.url}/latest/meta-data/instance-id`);
    expect(reply.status).toBe(401);
  });

  it.each<[string, (req: IncomingMessage, res: ServerResponse) => boolean, RegExp]>([
    [
      'the token is refused',
      (req, res) => (req.method === 'PUT' ? (res.writeHead(403).end(), true) : false),
      /IMDSv2 token \(PUT .*\/latest\/api\/token\): HTTP 403/,
    ],
    [
      'the token is not sent back (a wrong token)',
      (req, res) => (req.method === 'PUT' ? (res.end('another-token'), true) : false),
      /instance id \(GET .*\/latest\/meta-data\/instance-id\): HTTP 401/,
    ],
    ['the service never answers', () => true, /IMDSv2 token .*no answer within 300 ms/],
    [
      'the id is not an instance id',
      (req, res) =>
        req.url === '/latest/meta-data/instance-id' ? (res.end('<html>'), true) : false,
      /not an instance id/,
    ],
  ])('should exit 78-style naming INSTANCE_ID when %s', async (_name, handler, reason) => {
    const imds = await start(handler);
    const source = awsEnv(imds.url);
    const error = await resolveInstanceIdentity(loadWorkerConfig(source), source).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems[0].variable).toBe('INSTANCE_ID');
    expect((error as ConfigError).message).toMatch(reason);
    expect((error as ConfigError).message).toContain('AWS_EC2_METADATA_SERVICE_ENDPOINT');
  });

  it('should fail when nothing listens at the endpoint', async () => {
    const imds = await start();
    await new Promise((r) => imds.server.close(r));
    servers.length = 0;
    await expect(fetchImdsIdentity(imds.url, 300)).rejects.toThrow(/IMDSv2 token \(PUT /);
  });

  it('should default the endpoint to the link-local address and refuse a non-URL', () => {
    expect(loadWorkerConfig({}).AWS_EC2_METADATA_SERVICE_ENDPOINT).toBe('http://169.254.169.254');
    expect(() => loadWorkerConfig({ AWS_EC2_METADATA_SERVICE_ENDPOINT: 'imds' })).toThrow(
      'AWS_EC2_METADATA_SERVICE_ENDPOINT: must be a URL',
    );
  });
});
