import { createServer, Server, Socket } from 'net';
import { FaultyTcpProxy } from './tcp-proxy';

/** An echo server on a free port, the real service behind the proxy. */
function echoServer(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer((s) => s.pipe(s));
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, port: (server.address() as { port: number }).port }),
    );
  });
}

function connect(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = new Socket();
    s.once('error', reject);
    s.connect(port, '127.0.0.1', () => resolve(s));
  });
}

const nextData = (s: Socket, ms: number) =>
  new Promise<string | null>((resolve) => {
    const timer = setTimeout(() => resolve(null), ms);
    s.once('data', (d: Buffer) => {
      clearTimeout(timer);
      resolve(d.toString());
    });
  });

describe('FaultyTcpProxy', () => {
  let echo: { server: Server; port: number };
  let proxy: FaultyTcpProxy;
  beforeEach(async () => {
    echo = await echoServer();
    proxy = await FaultyTcpProxy.start('127.0.0.1', echo.port);
  });
  afterEach(async () => {
    await proxy.close();
    await new Promise((r) => echo.server.close(r));
  });

  it('should forward bytes both ways in pass mode', async () => {
    const s = await connect(proxy.port);
    s.write('hello');
    expect(await nextData(s, 2000)).toBe('hello');
    s.destroy();
  });

  it('should hold bytes back while stalled and deliver them after pass', async () => {
    const s = await connect(proxy.port);
    proxy.setMode('stall');
    s.write('held');
    expect(await nextData(s, 300)).toBeNull();
    const later = nextData(s, 2000);
    proxy.setMode('pass');
    expect(await later).toBe('held');
    s.destroy();
  });

  it('should close open and new connections in refuse mode', async () => {
    const s = await connect(proxy.port);
    const closed = new Promise((r) => s.once('close', r));
    proxy.setMode('refuse');
    await closed;
    const again = await connect(proxy.port).catch(() => null);
    if (again) await new Promise((r) => again.once('close', r));
    expect(proxy.currentMode).toBe('refuse');
  });
});
