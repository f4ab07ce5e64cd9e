#!/usr/bin/env node
/**
 * package-worker.js builds the bundle the instances run: `infra/build/bundle/` with the built
 * `dist/`, each app's `views/` and `public/` (not compiled by tsc: the apps find them under
 * `apps/<app>/` from the folder holding package.json), `scripts/start.js` (the manager host runs the services through it) and the root
 * package.json + package-lock.json (the instances `npm ci --omit=dev` from them, so native modules
 * such as sharp and argon2 are installed for the instance's platform, not this machine's).
 * The CDK app uploads the folder as an s3-assets Asset. Run `node scripts/build.js` first.
 *
 *   node infra/scripts/package-worker.js
 */
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..', '..');
const out = path.join(root, 'infra', 'build', 'bundle');
const entry = path.join(root, 'dist', 'apps', 'worker', 'src', 'main.js');

if (!fs.existsSync(entry)) {
  process.stderr.write(
    `package-worker: ${path.relative(root, entry)} is missing; run "npm run build" first\n`,
  );
  process.exit(1);
}
fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(path.join(out, 'scripts'), { recursive: true });
fs.cpSync(path.join(root, 'dist'), path.join(out, 'dist'), {
  recursive: true,
  // Compiled tests are not needed on an instance.
  filter: (src) => !/[\\/]test[\\/]|\.spec\.js(\.map)?$/.test(path.relative(root, src)),
});
for (const app of fs.readdirSync(path.join(root, 'apps'))) {
  for (const folder of ['views', 'public']) {
    const from = path.join(root, 'apps', app, folder);
    if (fs.existsSync(from))
      fs.cpSync(from, path.join(out, 'apps', app, folder), { recursive: true });
  }
}
fs.copyFileSync(path.join(root, 'scripts', 'start.js'), path.join(out, 'scripts', 'start.js'));
for (const file of ['package.json', 'package-lock.json']) {
  fs.copyFileSync(path.join(root, file), path.join(out, file));
}
process.stdout.write(`package-worker: bundle ready in ${path.relative(root, out)}\n`);
