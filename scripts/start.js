#!/usr/bin/env node
/* global AbortSignal */
/**
 * start.js runs the whole Ebbflow stack in the foreground (local mode): the local S3 server, the
 * balancer, the manager services and the gateway, each line of log prefixed by its service.
 * A service that crashes is restarted with back-off; one that stops on a configuration error
 * stops the stack (restarting would not help). Ctrl-C or SIGTERM stops every service and then
 * every worker process the fleet launched (they run detached so that a restarted fleet can
 * re-adopt them), leaving no process of the project running. After "Stopping" (the gateway
 * exits 0 once the pool is gone) the rest of the stack is stopped too.
 *
 *   node scripts/start.js [--only s3,balancer,fleet,...]
 */
const { spawn } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const readline = require('readline');

const root = path.resolve(__dirname, '..');
const dist = (p) => path.join(root, 'dist', p);

/** SERVICES in start order; `entry` is the built file each runs. */
const SERVICES = [
  { name: 's3', entry: dist('libs/storage/src/local-s3.main.js'), color: 90 },
  { name: 'balancer', entry: dist('apps/balancer/src/main.js'), color: 36 },
  { name: 'fleet', entry: dist('apps/fleet/src/main.js'), color: 33 },
  { name: 'metrics', entry: dist('apps/metrics/src/main.js'), color: 35 },
  { name: 'scaler', entry: dist('apps/scaler/src/main.js'), color: 32 },
  { name: 'janitor', entry: dist('apps/janitor/src/main.js'), color: 34 },
  { name: 'gateway', entry: dist('apps/gateway/src/main.js'), color: 96 },
  { name: 'worker', entry: dist('apps/worker/src/main.js'), color: 37, standalone: true },
];

/** Exit code of a service stopped by its configuration (sysexits EX_CONFIG). */
const EX_CONFIG = 78;
const STOP_GRACE_MS = 12000;
const MAX_BACKOFF_MS = 15000;
/**
 * First restart of a service that ran a while: at once, because a crashed balancer is the whole
 * app down (issue #9), and it restores its targets from its state file as it starts.
 */
const FIRST_RESTART_MS = 100;

function parseOnly(argv) {
  const i = argv.indexOf('--only');
  if (i === -1) return SERVICES.filter((s) => !s.standalone).map((s) => s.name);
  return argv[i + 1].split(',').map((s) => s.trim());
}

/**
 * localS3Credentials fills S3_ACCESS_KEY_ID / S3_SECRET_ACCESS_KEY in local mode when neither is
 * set: the key pair of this installation, generated on the first start into s3-credentials.json
 * beside S3_DIRECTORY (var/s3-credentials.json by default; mode 0600) and read from there on
 * every later one: the keys stay with the objects they guard. Every service and worker inherits
 * them from `env`.
 */
function localS3Credentials(env) {
  if (env.CLOUD_PROVIDER !== 'local' || env.S3_ACCESS_KEY_ID || env.S3_SECRET_ACCESS_KEY) return;
  const file = path.join(path.dirname(path.resolve(root, env.S3_DIRECTORY)), 's3-credentials.json');
  let keys;
  try {
    keys = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    if (error.code !== 'ENOENT') throw new Error(`${file} is unreadable: ${error.message}`);
    const { randomBytes } = require('crypto');
    keys = {
      S3_ACCESS_KEY_ID: 'EBB' + randomBytes(9).toString('hex').toUpperCase().slice(0, 17),
      S3_SECRET_ACCESS_KEY: randomBytes(30).toString('base64url'),
    };
    fs.mkdirSync(path.dirname(file), { recursive: true });
    try {
      // 'wx' with mode 0600: never readable by others, never over a file another start just wrote.
      fs.writeFileSync(file, JSON.stringify(keys, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
    } catch (raced) {
      if (raced.code !== 'EEXIST') throw raced;
      keys = JSON.parse(fs.readFileSync(file, 'utf8'));
    }
  }
  fs.chmodSync(file, 0o600);
  env.S3_ACCESS_KEY_ID = keys.S3_ACCESS_KEY_ID;
  env.S3_SECRET_ACCESS_KEY = keys.S3_SECRET_ACCESS_KEY;
}

const only = parseOnly(process.argv.slice(2));
const env = { ...process.env };
env.CLOUD_PROVIDER = env.CLOUD_PROVIDER || 'local';
env.S3_PORT = env.S3_PORT || '4569';
// Local mode only: on AWS an endpoint would send the services' S3 calls to a local server.
if (env.CLOUD_PROVIDER === 'local') env.S3_ENDPOINT = env.S3_ENDPOINT || `http://127.0.0.1:${env.S3_PORT}`;
env.S3_DIRECTORY = env.S3_DIRECTORY || path.join(root, 'var', 's3');
localS3Credentials(env);
env.FLEET_STATE_DIR = env.FLEET_STATE_DIR || path.join(root, 'var', 'fleet');
env.WORKER_ENTRY = env.WORKER_ENTRY || dist('apps/worker/src/main.js');
env.FORCE_COLOR = env.FORCE_COLOR || (process.stdout.isTTY ? '1' : '0');
ensureBalancerAdminToken(env);
const useColor = process.stdout.isTTY;

const width = Math.max(...SERVICES.map((s) => s.name.length));
const label = (svc) => {
  const text = `[${svc.name}]`.padEnd(width + 3);
  return useColor ? `\x1b[${svc.color}m${text}\x1b[0m` : text;
};
const say = (msg) => process.stdout.write(`${useColor ? '\x1b[1m' : ''}[ebbflow]${' '.repeat(Math.max(1, width - 4))}${msg}${useColor ? '\x1b[0m' : ''}\n`);

const running = new Map();
let stopping = false;

function start(svc, attempt = 0) {
  if (stopping) return;
  if (!fs.existsSync(svc.entry)) {
    say(`${svc.name}: ${path.relative(root, svc.entry)} is missing; run "npm run build" first`);
    void stopAll(1);
    return;
  }
  const child = spawn(process.execPath, ['--enable-source-maps', svc.entry], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const startedAt = Date.now();
  running.set(svc.name, child);
  for (const stream of [child.stdout, child.stderr]) {
    readline.createInterface({ input: stream }).on('line', (line) => {
      process.stdout.write(`${label(svc)} ${line}\n`);
    });
  }
  child.on('exit', (code, signal) => {
    running.delete(svc.name);
    if (stopping) return;
    if (code === EX_CONFIG) {
      say(`${svc.name} stopped on a configuration error (see above); stopping the stack`);
      void stopAll(1);
    } else if (code === 0 && svc.name === 'gateway') {
      say('the manager stopped ("Stopping"); stopping the rest of the stack');
      void stopAll(0);
    } else if (code === 0 && !signal) {
      say(`${svc.name} exited`);
      if (running.size === 0) void stopAll(0);
    } else {
      // A service that ran for a while gets a fresh back-off; one that keeps failing waits longer.
      const next = Date.now() - startedAt > 30000 ? 0 : attempt + 1;
      const delay = next === 0 ? FIRST_RESTART_MS : Math.min(MAX_BACKOFF_MS, 500 * 2 ** next);
      say(`${svc.name} exited (${signal || `code ${code}`}); restarting in ${delay} ms`);
      setTimeout(() => start(svc, next), delay);
    }
  });
}

/**
 * ensureBalancerAdminToken gives the balancer and the fleet one shared admin token (issue #10):
 * the one configured, else a random one for this start only. Never printed; it reaches the
 * services through the shared environment (only those two read it), not the workers, whose
 * environment the fleet filters (WORKER_ENV_PASS).
 */
function ensureBalancerAdminToken(target) {
  if (!target.BALANCER_ADMIN_TOKEN) target.BALANCER_ADMIN_TOKEN = crypto.randomBytes(32).toString('base64url');
}

/** killLocalWorkers stops the worker processes listed in the fleet's state folder. */
function killLocalWorkers(signal) {
  const dir = env.FLEET_STATE_DIR;
  let files = [];
  try {
    files = fs.readdirSync(dir).filter((f) => f.endsWith('.json'));
  } catch {
    return 0;
  }
  let count = 0;
  for (const file of files) {
    try {
      const { pid } = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
      if (!Number.isInteger(pid)) continue;
      try {
        process.kill(-pid, signal); // the worker's process group (spawned detached)
      } catch {
        process.kill(pid, signal);
      }
      count += 1;
    } catch {
      // already gone
    }
    if (signal === 'SIGKILL') fs.rmSync(path.join(dir, file), { force: true });
  }
  return count;
}

/** workersAlive counts the worker processes of the state folder that still run. */
function workersAlive() {
  let alive = 0;
  try {
    for (const file of fs.readdirSync(env.FLEET_STATE_DIR).filter((f) => f.endsWith('.json'))) {
      try {
        const { pid } = JSON.parse(fs.readFileSync(path.join(env.FLEET_STATE_DIR, file), 'utf8'));
        process.kill(pid, 0);
        alive += 1;
      } catch {
        // gone
      }
    }
  } catch {
    // no state folder
  }
  return alive;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * announceReady prints the one "ready" line once the manager's /health answers 200 (every
 * manager service up), with where to go and how to log in: the last line of a quiet start.
 */
async function announceReady() {
  const manager = `http://localhost:${env.GATEWAY_PORT || 5000}`;
  const health = `http://127.0.0.1:${env.GATEWAY_PORT || 5000}/health`;
  while (!stopping) {
    try {
      const res = await fetch(health, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    await sleep(500);
  }
  if (stopping) return;
  const password = env.MANAGER_PASSWORD ? 'MANAGER_PASSWORD' : 'the password printed above';
  const app = only.includes('balancer') ? `, app http://localhost:${env.BALANCER_PORT || 8080}` : '';
  say(`ready: manager ${manager} (admin / ${password})${app}`);
}

async function waitUntil(check, ms) {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await sleep(100);
  return check();
}

async function stopAll(exitCode) {
  if (stopping) return;
  stopping = true;
  say('stopping every service…');
  for (const child of running.values()) child.kill('SIGTERM');
  // Services first, so that the fleet cannot replace the workers we are about to stop.
  if (!(await waitUntil(() => running.size === 0, STOP_GRACE_MS))) {
    for (const child of running.values()) child.kill('SIGKILL');
    await waitUntil(() => running.size === 0, 2000);
  }
  const workers = killLocalWorkers('SIGTERM');
  if (workers) {
    say(`stopping ${workers} worker process(es)…`);
    await waitUntil(() => workersAlive() === 0, 8000);
  }
  killLocalWorkers('SIGKILL');
  say('stopped');
  process.exit(exitCode);
}

process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));
process.on('SIGHUP', () => void stopAll(0));

const selected = SERVICES.filter((s) => only.includes(s.name));
const unknown = only.filter((n) => !SERVICES.some((s) => s.name === n));
if (unknown.length) {
  say(`unknown service(s): ${unknown.join(', ')}; known: ${SERVICES.map((s) => s.name).join(', ')}`);
  process.exit(2);
}
say(`starting ${selected.map((s) => s.name).join(', ')} (CLOUD_PROVIDER=${env.CLOUD_PROVIDER})`);
if (only.includes('worker')) say(`the worker alone: http://localhost:${env.WORKER_PORT || 5001}`);
for (const svc of selected) start(svc);
if (only.includes('gateway')) void announceReady();
