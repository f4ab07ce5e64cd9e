import { SessionData } from 'express-session';
import { PruningMemoryStore } from './pruning-memory.store';

const session = (expiresInMs: number, user?: string) =>
  ({
    cookie: { expires: new Date(Date.now() + expiresInMs), originalMaxAge: expiresInMs },
    user,
  }) as unknown as SessionData;

const get = (store: PruningMemoryStore, sid: string) =>
  new Promise<SessionData | null | undefined>((resolve) => store.get(sid, (_e, s) => resolve(s)));

describe('PruningMemoryStore', () => {
  let store: PruningMemoryStore;
  beforeEach(() => (store = new PruningMemoryStore(60_000)));
  afterEach(() => store.close());

  it('should keep a session until it expires, as a copy', async () => {
    const data = session(60_000, 'admin');
    store.set('a', data);
    const read = await get(store, 'a');
    expect(read).toMatchObject({ user: 'admin' });
    expect(read).not.toBe(data);
  });

  it('should forget expired and destroyed sessions', async () => {
    store.set('old', session(-1));
    store.set('gone', session(60_000));
    store.destroy('gone');
    await expect(get(store, 'old')).resolves.toBeNull();
    await expect(get(store, 'gone')).resolves.toBeNull();
    expect(store.size).toBe(0);
  });
});
