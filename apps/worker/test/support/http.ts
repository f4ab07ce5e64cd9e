import sharp from 'sharp';

/** csrfTokenIn returns the `_csrf` hidden field of a page. */
export function csrfTokenIn(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('no CSRF token in the page');
  return match[1];
}

/** decodeHtml undoes Handlebars' escaping of attribute values (URLs with &amp;). */
export function decodeHtml(text: string): string {
  return text
    .replace(/&amp;/g, '&')
    .replace(/&#x3D;/g, '=')
    .replace(/&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');
}

/** pngImage makes a real PNG of the given size (a gradient, so it has some content). */
export function pngImage(width: number, height: number): Promise<Buffer> {
  const channels = 3;
  const pixels = Buffer.alloc(width * height * channels);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const i = (y * width + x) * channels;
      pixels[i] = (x * 255) / width;
      pixels[i + 1] = (y * 255) / height;
      pixels[i + 2] = 128;
    }
  }
  return sharp(pixels, { raw: { width, height, channels } }).png().toBuffer();
}

/** Page is a fetched response with its body as text. */
export interface Page {
  status: number;
  location: string | null;
  headers: Headers;
  text: string;
}

/**
 * BrowserLike is a tiny HTTP client that keeps cookies like a browser does (host-wide, any
 * port), follows nothing by itself and answers status, Location and body.
 */
export class BrowserLike {
  private readonly cookies = new Map<string, string>();

  /** `headers` go with every request (X-Forwarded-For, as the balancer would add it). */
  constructor(
    private readonly baseUrl: string,
    private readonly headers: Record<string, string> = {},
  ) {}

  /** on returns a client sharing this one's cookies but talking to another worker. */
  on(baseUrl: string): BrowserLike {
    const other = new BrowserLike(baseUrl, this.headers);
    for (const [k, v] of this.cookies) other.cookies.set(k, v);
    return other;
  }

  get cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async get(path: string): Promise<Page> {
    return this.send(path, { method: 'GET' });
  }

  async postForm(path: string, fields: Record<string, string>): Promise<Page> {
    return this.send(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
  }

  async postMultipart(path: string, form: FormData): Promise<Page> {
    return this.send(path, { method: 'POST', body: form });
  }

  private async send(path: string, init: RequestInit): Promise<Page> {
    const headers = new Headers(init.headers);
    for (const [k, v] of Object.entries(this.headers)) headers.set(k, v);
    if (this.cookies.size) headers.set('cookie', this.cookieHeader);
    const res = await fetch(new URL(path, this.baseUrl), { ...init, headers, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const [name, value] = [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)];
      const expired = attributes.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a));
      if (expired) this.cookies.delete(name.trim());
      else this.cookies.set(name.trim(), value.trim());
    }
    return {
      status: res.status,
      location: res.headers.get('location'),
      headers: res.headers,
      text: await res.text(),
    };
  }
}

/** imageForm builds the multipart body of the upload form. */
export function imageForm(
  fields: Record<string, string>,
  file?: Buffer,
  name = 'picture.png',
): FormData {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  if (file) form.append('file', new Blob([new Uint8Array(file)]), name);
  return form;
}
