import { ChildProcess, spawn } from 'child_process';
import { findRepoRoot } from '../../src/web/asset-dirs';

/** REPO_ROOT is the repository root (where package.json is). */
export const REPO_ROOT = findRepoRoot(__dirname);

/** TsProcess is a child process running a TypeScript entry point, with its output collected. */
export interface TsProcess {
  child: ChildProcess;
  output: () => string;
  /** exited resolves with the exit code (or the signal name). */
  exited: Promise<number | string>;
}

/**
 * runTs starts `node` on a TypeScript main file (ts-node, transpile only, path aliases from
 * tsconfig.json), as the lead's build would run its compiled twin.
 */
export function runTs(entry: string, env: Record<string, string>): TsProcess {
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register', '-r', 'tsconfig-paths/register', entry],
    {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', TS_NODE_TRANSPILE_ONLY: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  return { child, output: () => output, exited };
}

/** stop kills a child that is still running and waits for it to be gone. */
export async function stop(proc: TsProcess | undefined): Promise<void> {
  if (!proc) return;
  if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill('SIGKILL');
  await proc.exited;
}
