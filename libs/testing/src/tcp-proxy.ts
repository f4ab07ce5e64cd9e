import { createServer, Server, Socket } from 'net';

/** TcpProxyMode is how a FaultyTcpProxy treats traffic: pass it, stall it, or refuse it. */
export type TcpProxyMode = 'pass' | 'stall' | 'refuse';

/**
 * FaultyTcpProxy is a TCP proxy on 127.0.0.1 in front of a real service (MySQL, the local S3
 * server), for tests that make a shared dependency slow or unreachable without stopping it for
 * everyone else on the machine.
 * - `pass`: bytes flow both ways.
 * - `stall`: new connections are accepted and existing ones kept, but no byte is forwarded (a
 *   dependency that hangs); what was held back flows on when the mode is `pass` again.
 * - `refuse`: every connection is closed at once, new ones included (a dependency that is down:
 *   clients see ECONNRESET on connect).
 */
export class FaultyTcpProxy {
  private mode: TcpProxyMode = 'pass';
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    /** port is where clients connect instead of the real service. */
    readonly port: number,
  ) {}

  /** start listens on a free port of 127.0.0.1 and forwards to `targetHost:targetPort`. */
  static start(targetHost: string, targetPort: number): Promise<FaultyTcpProxy> {
    return new Promise((resolve, reject) => {
      let proxy: FaultyTcpProxy;
      const server = createServer((client) => proxy.accept(client, targetHost, targetPort));
      server.on('error', reject);
      server.listen(0, '127.0.0.1', () => {
        proxy = new FaultyTcpProxy(server, (server.address() as { port: number }).port);
        resolve(proxy);
      });
    });
  }

  /** setMode switches how traffic is treated from now on (`refuse` also closes what is open). */
  setMode(mode: TcpProxyMode): void {
    this.mode = mode;
    for (const s of this.sockets) {
      if (mode === 'refuse') s.destroy();
      else if (mode === 'stall') s.pause();
      else s.resume();
    }
  }

  /** currentMode is the mode in force. */
  get currentMode(): TcpProxyMode {
    return this.mode;
  }

  /** close stops listening and closes every connection. */
  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket, host: string, port: number): void {
    if (this.mode === 'refuse') {
      client.destroy();
      return;
    }
    const upstream = new Socket();
    this.track(client);
    this.track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    if (this.mode === 'stall') {
      client.pause();
      upstream.pause();
    }
    const closeBoth = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', closeBoth).on('error', closeBoth);
    upstream.on('close', closeBoth).on('error', closeBoth);
    upstream.connect(port, host);
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
  }
}
