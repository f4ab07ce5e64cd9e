import { SessionData, Store } from 'express-session';

interface Entry {
  /** The session as JSON, as express-session's MemoryStore keeps it (Cookie has a toJSON). */
  json: string;
  expires: number;
}

/**
 * PruningMemoryStore keeps manager sessions in memory and forgets expired ones every minute.
 * express-session's own MemoryStore never prunes ("will leak memory"); one gateway process with
 * one operator needs no shared store, and a restart simply asks for the password again.
 */
export class PruningMemoryStore extends Store {
  private readonly sessions = new Map<string, Entry>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly ttlMs: number) {
    super();
    this.timer = setInterval(() => this.prune(), 60_000);
    this.timer.unref();
  }

  get(sid: string, callback: (err: unknown, session?: SessionData | null) => void): void {
    const entry = this.sessions.get(sid);
    if (!entry || entry.expires <= Date.now()) {
      this.sessions.delete(sid);
      callback(null, null);
      return;
    }
    callback(null, JSON.parse(entry.json) as SessionData);
  }

  set(sid: string, session: SessionData, callback?: (err?: unknown) => void): void {
    this.sessions.set(sid, { json: JSON.stringify(session), expires: this.expiryOf(session) });
    callback?.();
  }

  touch(sid: string, session: SessionData, callback?: () => void): void {
    const entry = this.sessions.get(sid);
    if (entry) entry.expires = this.expiryOf(session);
    callback?.();
  }

  destroy(sid: string, callback?: (err?: unknown) => void): void {
    this.sessions.delete(sid);
    callback?.();
  }

  /** size is the number of live sessions (tests). */
  get size(): number {
    return this.sessions.size;
  }

  /** close stops the pruning timer. */
  close(): void {
    clearInterval(this.timer);
  }

  private expiryOf(session: SessionData): number {
    const expires = session.cookie?.expires;
    return expires ? new Date(expires).getTime() : Date.now() + this.ttlMs;
  }

  private prune(): void {
    const now = Date.now();
    for (const [sid, entry] of this.sessions) if (entry.expires <= now) this.sessions.delete(sid);
  }
}
