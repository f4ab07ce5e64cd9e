import { waitFor } from '@app/testing';
import { StackProcess, startStackProcess } from './support/stack-process';

/** readyLine is the line start.js prints once the manager's /health answers 200. */
const readyLine = (output: string) =>
  output.split('\n').find((line) => /\[ebbflow\]\s+ready: /.test(line));

describe('npm start: a quiet start (issue #15)', () => {
  let stack: StackProcess;
  let output = '';

  beforeAll(async () => {
    // As `npm start > file`: stdout is a pipe, LOG_LEVEL unset (the default, log).
    stack = await startStackProcess({ LOG_LEVEL: '', FORCE_COLOR: '', NO_COLOR: '' });
    await waitFor(() => readyLine(stack.output()), {
      timeoutMs: 120000,
      intervalMs: 250,
      what: `the ready line\n${stack.output().slice(-3000)}`,
    });
    const exited = new Promise<void>((resolve) => stack.child.once('exit', () => resolve()));
    stack.child.kill('SIGINT');
    await exited;
    output = stack.output();
  }, 180000);

  afterAll(async () => {
    await stack?.cleanUp();
  });

  it('should print at most 40 lines up to the ready line (no route tables, no module init)', () => {
    const lines = output.split('\n');
    const upTo = lines.findIndex((line) => /\[ebbflow\]\s+ready: /.test(line));
    expect(upTo).toBeGreaterThan(0);
    expect(lines.slice(0, upTo + 1).length).toBeLessThanOrEqual(40);
    expect(output).not.toMatch(/Mapped \{|RoutesResolver|InstanceLoader/);
  });

  it('should write no ANSI escape sequence when stdout is not a terminal', () => {
    // ESC [ starts every colour sequence (CSI).
    expect(output.includes('\x1b[')).toBe(false);
  });

  it("should end the start with one ready line naming the manager's and the app's URLs", () => {
    const line = readyLine(output)!;
    expect(line).toContain(`manager http://localhost:${stack.ports.gateway}`);
    expect(line).toContain(`app http://localhost:${stack.ports.balancer}`);
    expect(line).toMatch(/MANAGER_PASSWORD/);
    expect(output.split('\n').filter((l) => /\[ebbflow\]\s+ready: /.test(l))).toHaveLength(1);
  });
});
