#!/usr/bin/env node
/**
 * build.js compiles every app and lib with one tsc run into dist/ and rewrites the @app/* path
 * aliases (tsc-alias). `--allow-errors` keeps the output when there are type errors (for
 * development while another part is half-written); CI never passes it.
 */
const { spawnSync } = require('child_process');
const path = require('path');

const root = path.resolve(__dirname, '..');
const allowErrors = process.argv.includes('--allow-errors');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const run = (cmd, args) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit' }).status;

const tscStatus = run(bin('tsc'), ['-p', 'tsconfig.build.json']);
if (tscStatus !== 0 && !allowErrors) {
  console.error('build: TypeScript errors (see above)');
  process.exit(tscStatus || 1);
}
const aliasStatus = run(bin('tsc-alias'), ['-p', 'tsconfig.build.json']);
if (aliasStatus !== 0) process.exit(aliasStatus || 1);
