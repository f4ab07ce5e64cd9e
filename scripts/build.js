#!/usr/bin/env node
/**
 * build.js compiles every app and lib with one tsc run into dist/ and rewrites the @app/* path
 * aliases (tsc-alias). When nothing changed since the last successful build it says so and
 * does nothing (`npm start` then starts at once, issue #15); `--force` rebuilds anyway.
 * `--allow-errors` keeps the output when there are type errors (for development while another
 * part is half-written); CI never passes it.
 *
 *   node scripts/build.js [--force] [--allow-errors]
 */
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

/** SOURCE_DIRS and SOURCE_FILES are what the build reads (tsconfig.build.json's include, and more). */
const SOURCE_DIRS = ['apps', 'libs', 'bench'];
const SOURCE_FILES = (name) => /^tsconfig.*\.json$/.test(name) || name === 'package-lock.json';
/** STAMP is written into dist/ after a successful build; its mtime is the build's time. */
const STAMP = '.build-stamp';

/** newestSourceMtime is the latest modification time (ms) of any build input under `root`. */
function newestSourceMtime(root) {
  let newest = 0;
  const visit = (dir) => {
    let entries;
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (entry.name === 'node_modules' || entry.name === 'dist') continue;
      const full = path.join(dir, entry.name);
      // A folder's own mtime changes when a file is deleted or renamed inside it.
      const { mtimeMs } = fs.statSync(full);
      newest = Math.max(newest, mtimeMs);
      if (entry.isDirectory()) visit(full);
    }
  };
  for (const dir of SOURCE_DIRS) visit(path.join(root, dir));
  for (const name of fs.readdirSync(root)) {
    if (SOURCE_FILES(name)) newest = Math.max(newest, fs.statSync(path.join(root, name)).mtimeMs);
  }
  return newest;
}

/**
 * upToDate says whether `root`'s dist/ was built (stamp written) after every source last
 * changed. A missing stamp or dist/ means "build".
 */
function upToDate(root) {
  let stamp;
  try {
    stamp = fs.statSync(path.join(root, 'dist', STAMP)).mtimeMs;
  } catch {
    return false;
  }
  return newestSourceMtime(root) < stamp;
}

/** writeStamp records a successful build of `root`. */
function writeStamp(root) {
  fs.mkdirSync(path.join(root, 'dist'), { recursive: true });
  fs.writeFileSync(path.join(root, 'dist', STAMP), new Date().toISOString() + '\n');
}

function main(argv) {
  const root = path.resolve(__dirname, '..');
  const allowErrors = argv.includes('--allow-errors');
  if (!argv.includes('--force') && upToDate(root)) {
    console.log(
      'build: dist/ is up to date (nothing changed since the last build; --force rebuilds)',
    );
    return 0;
  }
  const bin = (name) => path.join(root, 'node_modules', '.bin', name);
  const run = (cmd, args) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit' }).status;
  // The stamp carries the build's start time: a source saved during the build is newer and
  // rebuilds next time.
  const startedAt = new Date();
  const tscStatus = run(bin('tsc'), ['-p', 'tsconfig.build.json']);
  if (tscStatus !== 0 && !allowErrors) {
    console.error('build: TypeScript errors (see above)');
    return tscStatus || 1;
  }
  const aliasStatus = run(bin('tsc-alias'), ['-p', 'tsconfig.build.json']);
  if (aliasStatus !== 0) return aliasStatus || 1;
  // A build that kept type errors is not "up to date": the next one must report them again.
  if (tscStatus === 0) {
    writeStamp(root);
    fs.utimesSync(path.join(root, 'dist', STAMP), startedAt, startedAt);
  }
  console.log(`build: compiled into dist/ in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
  return 0;
}

module.exports = { newestSourceMtime, upToDate, writeStamp };

if (require.main === module) process.exit(main(process.argv.slice(2)));
