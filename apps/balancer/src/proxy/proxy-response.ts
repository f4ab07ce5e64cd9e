import { IncomingMessage, ServerResponse } from 'http';

/**
 * sendBalancerError answers a request the balancer could not forward: JSON
 * (`{ error, message }`) when the client accepts JSON, plain text otherwise. If the target's
 * response had already started, the only honest signal left is to cut the connection.
 */
export function sendBalancerError(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  error: string,
  message: string,
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const json = /json/i.test(req.headers.accept ?? '');
  const body = json ? JSON.stringify({ error, message }) : `${status} ${error}: ${message}\n`;
  res.writeHead(status, {
    'content-type': json ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}
