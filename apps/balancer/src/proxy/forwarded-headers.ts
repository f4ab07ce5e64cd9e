import { IncomingMessage } from 'http';

/**
 * setForwardedHeaders adds X-Forwarded-For/Proto/Host/Port to an incoming request, as ELBv2
 * does: the client's address is appended to any X-Forwarded-For it sent, the others describe
 * the connection the balancer received. Done once per request (not by http-proxy's `xfwd`,
 * which would append the client twice when a request is retried on another target).
 */
export function setForwardedHeaders(req: IncomingMessage): void {
  const client = req.socket.remoteAddress ?? '';
  const previous = req.headers['x-forwarded-for'];
  req.headers['x-forwarded-for'] = previous ? `${previous}, ${client}` : client;
  req.headers['x-forwarded-proto'] = 'http';
  req.headers['x-forwarded-port'] = String(req.socket.localPort ?? '');
  req.headers['x-forwarded-host'] = req.headers.host ?? '';
}
