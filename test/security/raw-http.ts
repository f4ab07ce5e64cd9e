import { IncomingHttpHeaders, request as httpRequest } from 'http';

/** RawRequest is one HTTP request sent exactly as written (path not normalized). */
export interface RawRequest {
  method: string;
  /** Path and query as they go on the request line (`/api/../metrics` stays as it is). */
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

/** RawAnswer is the status, headers and body text of an answer. */
export interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/**
 * sendRaw sends a request with node:http to `base` (`http://127.0.0.1:<port>`): no client
 * library adds, normalizes or follows anything. A body gets its Content-Length; a `host`
 * header in the row replaces the real one (DNS rebinding rows).
 */
export function sendRaw(base: string, req: RawRequest): Promise<RawAnswer> {
  const url = new URL(base);
  const body = req.body === undefined ? undefined : Buffer.from(req.body);
  const headers: Record<string, string> = { ...req.headers };
  if (body) headers['content-length'] = String(body.length);
  return new Promise((resolve, reject) => {
    const r = httpRequest(
      { host: url.hostname, port: url.port, method: req.method, path: req.path, headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    r.on('error', reject);
    r.end(body);
  });
}

/** multipart builds a multipart/form-data body by hand (file names sent exactly as given). */
export function multipart(
  fields: Record<string, string>,
  file?: { content: Buffer; filename: string; type?: string },
): { headers: Record<string, string>; body: Buffer } {
  const boundary = `ebbflow-security-${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
      ),
    );
  }
  if (file) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.filename}"\r\n` +
          `Content-Type: ${file.type ?? 'application/octet-stream'}\r\n\r\n`,
      ),
      file.content,
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    body: Buffer.concat(parts),
  };
}

/** form builds an application/x-www-form-urlencoded body (a field given as an array repeats). */
export function form(fields: Record<string, string | string[]>): {
  headers: Record<string, string>;
  body: string;
} {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) {
    for (const v of Array.isArray(value) ? value : [value]) params.append(name, v);
  }
  return {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: params.toString(),
  };
}
