import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'fs';
import os from 'os';
import path from 'path';

// scripts/build.js is plain CommonJS (it runs before anything is compiled).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const build = require('../scripts/build') as {
  upToDate(root: string): boolean;
  writeStamp(root: string): void;
};

describe('scripts/build.js: skip the build when dist/ is up to date (issue #15)', () => {
  let root: string;
  const hourAgo = new Date(Date.now() - 3600_000);
  const inAMinute = new Date(Date.now() + 60_000);

  /** A tiny project: sources an hour old, then a build (the stamp, now). */
  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'ebbflow-build-'));
    const files = [
      'apps/app/src/main.ts',
      'libs/lib/src/index.ts',
      'tsconfig.json',
      'tsconfig.build.json',
      'package-lock.json',
    ];
    for (const file of files) {
      mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      writeFileSync(path.join(root, file), '{}\n');
    }
    for (const item of [
      ...files,
      'apps/app/src',
      'apps/app',
      'apps',
      'libs/lib/src',
      'libs/lib',
      'libs',
    ])
      utimesSync(path.join(root, item), hourAgo, hourAgo);
    build.writeStamp(root);
  });

  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('should skip when nothing changed since the last build', () => {
    expect(build.upToDate(root)).toBe(true);
  });

  it('should build when there was no build yet (no stamp)', () => {
    rmSync(path.join(root, 'dist'), { recursive: true });
    expect(build.upToDate(root)).toBe(false);
  });

  it.each([
    ['a source of an app', 'apps/app/src/main.ts'],
    ['a source of a lib', 'libs/lib/src/index.ts'],
    ['a tsconfig', 'tsconfig.build.json'],
    ['the lock file (other dependencies)', 'package-lock.json'],
  ])('should rebuild after %s is touched', (_what, file) => {
    utimesSync(path.join(root, file), inAMinute, inAMinute);
    expect(build.upToDate(root)).toBe(false);
  });

  it('should rebuild after a source is added', () => {
    writeFileSync(path.join(root, 'libs/lib/src/new.ts'), 'export {};\n');
    utimesSync(path.join(root, 'libs/lib/src/new.ts'), inAMinute, inAMinute);
    expect(build.upToDate(root)).toBe(false);
  });

  it('should not look into node_modules', () => {
    mkdirSync(path.join(root, 'libs/lib/node_modules'));
    writeFileSync(path.join(root, 'libs/lib/node_modules/x.js'), '');
    utimesSync(path.join(root, 'libs/lib/node_modules/x.js'), inAMinute, inAMinute);
    utimesSync(path.join(root, 'libs/lib/node_modules'), hourAgo, hourAgo);
    utimesSync(path.join(root, 'libs/lib'), hourAgo, hourAgo);
    expect(build.upToDate(root)).toBe(true);
  });
});
