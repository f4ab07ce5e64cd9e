import type { Request } from 'express';

/** RequestKind says how to answer a request: JSON API, live stream/JSON for page scripts, or HTML. */
export type RequestKind = 'api' | 'live' | 'page';

/** requestKind classifies a request by its path. */
export function requestKind(req: Pick<Request, 'path'>): RequestKind {
  const path = req.path;
  if (path === '/api' || path.startsWith('/api/')) return 'api';
  if (path.startsWith('/live/')) return 'live';
  return 'page';
}
