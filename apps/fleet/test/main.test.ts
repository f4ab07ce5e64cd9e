import { spawn } from 'child_process';
import { resolve } from 'path';

const MAIN = resolve(__dirname, '../../../dist/apps/fleet/src/main.js');

/** run starts the built fleet service with `env` and resolves with how it ended. */
function run(env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [MAIN], {
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`the fleet did not stop on its own; stderr: ${stderr}`));
    }, 20000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      done({ code, stderr });
    });
  });
}

describe('fleet main (built service)', () => {
  it('should exit 78 naming each aws variable that is missing', async () => {
    const { code, stderr } = await run({ CLOUD_PROVIDER: 'aws' });

    expect(code).toBe(78);
    expect(stderr).toContain('LAUNCH_TEMPLATE_ID: is required when CLOUD_PROVIDER=aws');
    expect(stderr).toContain('TARGET_GROUP_ARN: is required when CLOUD_PROVIDER=aws');
    expect(stderr).toContain('LOAD_BALANCER_ARN: is required when CLOUD_PROVIDER=aws');
  });

  it('should exit 78 naming a variable with a wrong value', async () => {
    const { code, stderr } = await run({ FLEET_DRAIN_TIMEOUT_S: 'a minute' });

    expect(code).toBe(78);
    expect(stderr).toContain('FLEET_DRAIN_TIMEOUT_S: must be a number');
  });
});
