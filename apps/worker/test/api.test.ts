import { imageForm, pngImage } from './support/http';
import { WorkerHarness, startWorkerHarness } from './support/worker-harness';

const UPLOAD_MAX_BYTES = 200_000;

interface ApiAnswer {
  status: number;
  body: { success: boolean; error?: { code: string; message: string; field?: string } };
  instance: string | null;
}

describe('worker automation API, load endpoints and metrics', () => {
  let h: WorkerHarness;
  let png: Buffer;

  const call = async (
    path: string,
    init?: RequestInit,
    base = h.worker.url,
  ): Promise<ApiAnswer> => {
    const res = await fetch(`${base}${path}`, init);
    return {
      status: res.status,
      body: (await res.json()) as ApiAnswer['body'],
      instance: res.headers.get('x-ebbflow-instance'),
    };
  };
  const register = (fields: Record<string, string>) =>
    call('/api/register', { method: 'POST', body: new URLSearchParams(fields) });
  const upload = (fields: Record<string, string>, file?: Buffer, name?: string) =>
    call('/api/upload', { method: 'POST', body: imageForm(fields, file, name) });
  const counts = async () => {
    const [row] = await h.query<{ images: number }>('SELECT COUNT(*) AS images FROM images');
    return { images: Number(row.images), keys: await h.listKeys() };
  };

  beforeAll(async () => {
    h = await startWorkerHarness({
      UPLOAD_MAX_BYTES: String(UPLOAD_MAX_BYTES),
      WORKER_LOAD_ENDPOINTS: 'true',
    });
    png = await pngImage(300, 200);
  });

  afterAll(async () => {
    await h?.close();
  });

  describe('POST /api/register', () => {
    it('should register with urlencoded fields and answer {"success": true}', async () => {
      const res = await register({ username: 'loadgen', password: 'secret password' });
      expect(res).toEqual({
        status: 200,
        body: { success: true },
        instance: h.worker.config.INSTANCE_ID,
      });
      const rows = await h.query<{ password_hash: string }>(
        'SELECT password_hash FROM users WHERE username = ?',
        ['loadgen'],
      );
      expect(rows[0].password_hash).toMatch(/^\$argon2id\$/);
    });

    it('should register with multipart fields too', async () => {
      const form = imageForm({ username: 'multi.part-user_1', password: 'secret password' });
      const res = await call('/api/register', { method: 'POST', body: form });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ success: true });
    });

    it('should answer 409 when the username is taken (any letter case)', async () => {
      const res = await register({ username: 'LoadGen', password: 'other password' });
      expect(res.status).toBe(409);
      expect(res.body).toEqual({
        success: false,
        error: {
          code: 'username_taken',
          message: 'The username "LoadGen" is already taken. Choose another one.',
          field: 'username',
        },
      });
    });

    it.each([
      ['no username', { password: 'secret password' }, 'missing_field', 'username'],
      ['no password', { username: 'newbie' }, 'missing_field', 'password'],
      [
        'a 2-character name',
        { username: 'ab', password: 'secret password' },
        'invalid_field',
        'username',
      ],
      [
        'a 33-character name',
        { username: 'a'.repeat(33), password: 'secret password' },
        'invalid_field',
        'username',
      ],
      [
        'a name with a space',
        { username: 'new bie', password: 'secret password' },
        'invalid_field',
        'username',
      ],
      [
        'a 7-character password',
        { username: 'newbie', password: '1234567' },
        'invalid_field',
        'password',
      ],
      [
        'a 129-character password',
        { username: 'newbie', password: 'p'.repeat(129) },
        'invalid_field',
        'password',
      ],
    ])('should answer 400 for %s and create nothing', async (_name, fields, code, field) => {
      const res = await register(fields);
      expect(res.status).toBe(400);
      expect(res.body.success).toBe(false);
      expect(res.body.error).toMatchObject({ code, field });
      expect(res.body.error?.message.length).toBeGreaterThan(10);
      expect(await h.query('SELECT userid FROM users WHERE username = ?', ['newbie'])).toEqual([]);
    });
  });

  describe('any other /api call', () => {
    it('should answer an unknown route with a JSON 404', async () => {
      const res = await call('/api/nothing-here');
      expect(res.status).toBe(404);
      expect(res.body).toEqual({
        success: false,
        error: { code: 'not_found', message: 'There is no such page.' },
      });
    });

    it('should answer a malformed JSON body with a JSON 400', async () => {
      const res = await call('/api/register', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"username": ',
      });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ success: false, error: { code: 'invalid_field' } });
    });
  });

  describe('POST /api/upload', () => {
    it('should store a picture and its thumbnail and answer {"success": true}', async () => {
      const res = await upload({ username: 'loadgen', password: 'secret password' }, png, 'x.bin');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ success: true });
      const [row] = await h.query<{ namebase: string; extension: string; userid: number }>(
        'SELECT namebase, extension, userid FROM images',
      );
      expect(row.extension).toBe('png');
      expect(await h.listKeys()).toEqual([
        `images/${row.userid}/${row.namebase}.png`,
        `thumbnails/${row.userid}/${row.namebase}.png`,
      ]);
    });

    it.each([
      [
        'a wrong password',
        401,
        'invalid_credentials',
        { username: 'loadgen', password: 'wrong password' },
      ],
      [
        'an unknown user',
        401,
        'invalid_credentials',
        { username: 'nobody', password: 'secret password' },
      ],
      ['no username', 400, 'missing_field', { password: 'secret password' }],
      ['no password', 400, 'missing_field', { username: 'loadgen' }],
    ])('should refuse %s with %i %s and store nothing', async (_name, status, code, fields) => {
      const before = await counts();
      const res = await upload(fields, png);
      expect(res.status).toBe(status);
      expect(res.body).toMatchObject({ success: false, error: { code } });
      expect(await counts()).toEqual(before);
    });

    it('should answer 400 when the file is missing', async () => {
      const before = await counts();
      const res = await upload({ username: 'loadgen', password: 'secret password' });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'missing_field', field: 'file' });
      expect(await counts()).toEqual(before);
    });

    it('should answer 415 for a file that is not an image, whatever its name', async () => {
      const before = await counts();
      const res = await upload(
        { username: 'loadgen', password: 'secret password' },
        Buffer.from('%PDF-1.7 not a picture at all'),
        'looks-like.png',
      );
      expect(res.status).toBe(415);
      expect(res.body.error).toMatchObject({ code: 'not_an_image' });
      expect(await counts()).toEqual(before);
    });

    it('should answer 415 for a file with PNG magic bytes that does not decode', async () => {
      const before = await counts();
      const broken = Buffer.concat([png.subarray(0, 40), Buffer.alloc(200, 7)]);
      const res = await upload({ username: 'loadgen', password: 'secret password' }, broken);
      expect(res.status).toBe(415);
      expect(res.body.error?.message).toMatch(/starts like a PNG image but cannot be read/);
      expect(await counts()).toEqual(before);
    });

    it('should answer 413 for a file over UPLOAD_MAX_BYTES', async () => {
      const before = await counts();
      const huge = Buffer.concat([png, Buffer.alloc(UPLOAD_MAX_BYTES, 1)]);
      const res = await upload({ username: 'loadgen', password: 'secret password' }, huge);
      expect(res.status).toBe(413);
      expect(res.body.error).toMatchObject({ code: 'too_large', field: 'file' });
      expect(res.body.error?.message).toContain('0.19 MB');
      expect(await counts()).toEqual(before);
    });

    it('should leave no row and no object when the database insert fails', async () => {
      const [user] = await h.query<{ userid: number; upload_count: number }>(
        'SELECT userid, upload_count FROM users WHERE username = ?',
        ['loadgen'],
      );
      const before = await counts();
      // A real database failure: a trigger refuses this user's next image row.
      await h.query(
        `CREATE TRIGGER refuse_images BEFORE INSERT ON images FOR EACH ROW
         IF NEW.userid = ${user.userid} THEN
           SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'refused by test trigger';
         END IF`,
      );
      try {
        const res = await upload({ username: 'loadgen', password: 'secret password' }, png);
        expect(res.status).toBe(500);
        expect(res.body).toEqual({
          success: false,
          error: {
            code: 'internal_error',
            message: 'Something went wrong on our side. Please try again.',
          },
        });
      } finally {
        await h.query('DROP TRIGGER refuse_images');
      }
      expect(await counts()).toEqual(before);
      const [after] = await h.query<{ upload_count: number }>(
        'SELECT upload_count FROM users WHERE userid = ?',
        [user.userid],
      );
      expect(after.upload_count).toBe(user.upload_count);
    });

    it('should store 20 concurrent uploads of one user, each under its own namebase', async () => {
      expect((await register({ username: 'burst', password: 'burst password' })).status).toBe(200);
      const results = await Promise.all(
        Array.from({ length: 20 }, () =>
          upload({ username: 'burst', password: 'burst password' }, png),
        ),
      );
      expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
      const rows = await h.query<{ namebase: string; userid: number }>(
        'SELECT i.namebase, i.userid FROM images i JOIN users u USING (userid) WHERE u.username = ?',
        ['burst'],
      );
      expect(new Set(rows.map((r) => r.namebase)).size).toBe(20);
      const [user] = await h.query<{ userid: number; upload_count: number }>(
        'SELECT userid, upload_count FROM users WHERE username = ?',
        ['burst'],
      );
      expect(user.upload_count).toBe(20);
      const keys = (await h.listKeys()).filter((k) => k.includes(`/${user.userid}/`));
      expect(keys).toHaveLength(40);
    });
  });

  describe('load endpoints', () => {
    it.each([
      ['unset (the default)', undefined],
      ['false', 'false'],
    ])('should not exist (404) when WORKER_LOAD_ENDPOINTS is %s', async (_, value) => {
      // undefined overrides the harness's 'true': the worker sees the variable unset.
      const off = await h.startWorker({ WORKER_LOAD_ENDPOINTS: value as string });
      try {
        expect(off.config.WORKER_LOAD_ENDPOINTS).toBe(false);
        for (const path of ['/api/load/cpu?ms=10000', '/api/load/sleep?ms=60000']) {
          const res = await call(path, undefined, off.url);
          expect(res.status).toBe(404);
          expect(res.body.success).toBe(false);
        }
      } finally {
        await off.close();
      }
    });

    it('should burn CPU for ?ms and say so', async () => {
      const res = await call('/api/load/cpu?ms=50');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ success: true, ms: 50 });
    });

    it('should wait for ?ms', async () => {
      const res = await call('/api/load/sleep?ms=20');
      expect(res.body).toEqual({ success: true, ms: 20 });
    });

    it.each([
      ['/api/load/cpu', ''],
      ['/api/load/cpu?ms=0', '1 to 10000'],
      ['/api/load/cpu?ms=10001', '1 to 10000'],
      ['/api/load/cpu?ms=abc', '1 to 10000'],
      ['/api/load/cpu?ms=1.5', '1 to 10000'],
      ['/api/load/sleep?ms=60001', '1 to 60000'],
      ['/api/load/sleep?ms=-5', '1 to 60000'],
    ])('should answer 400 for %s', async (path, range) => {
      const res = await call(path);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'invalid_field', field: 'ms' });
      expect(res.body.error?.message).toContain(range);
    });
  });

  describe('metrics', () => {
    it('should count requests by route, method and status, but not /health nor /metrics', async () => {
      for (let i = 0; i < 3; i += 1) await call('/api/load/sleep?ms=1');
      for (let i = 0; i < 5; i += 1) await fetch(`${h.worker.url}/health`);
      await fetch(`${h.worker.url}/metrics`);
      const res = await fetch(`${h.worker.url}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-ebbflow-instance')).toBe(h.worker.config.INSTANCE_ID);
      const text = await res.text();
      expect(text).toMatch(/^process_cpu_seconds_total \d/m);
      // 1 from "should wait for ?ms" and 3 here.
      expect(text).toContain(
        'http_requests_total{route="/api/load/sleep",method="GET",status="200"} 4',
      );
      expect(text).toContain(
        'http_requests_total{route="/api/upload",method="POST",status="413"} 1',
      );
      expect(text).not.toMatch(/route="\/(health|metrics)"/);
      expect(text).toMatch(/^upload_duration_seconds_count\{outcome="stored"\} 21$/m);
    });
  });
});
