#!/usr/bin/env node
/**
 * bench/run.js runs Ebbflow's benchmarks and writes docs/benchmarks.md. Numbers are measured side
 * by side in one run and reported as ratios, because these machines are shared and noisy.
 *
 * 1. Balancer overhead: requests/s and latency of a small page served directly by an HTTP server
 *    vs. through apps/balancer (built, run as its own process), same client, same run; RSS of the
 *    balancer under load.
 * 2. Upload streaming: a 5 MB body through the balancer, throughput direct vs. proxied.
 */
const http = require('http');
const { spawn } = require('child_process');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');
const DURATION_MS = Number(process.env.BENCH_DURATION_MS || 5000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY || 16);

const freePort = () =>
  new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function request(agent, port, { method = 'GET', path: p = '/', body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: p, agent }, (res) => {
      let n = 0;
      res.on('data', (c) => (n += c.length));
      res.on('end', () => resolve({ status: res.statusCode, bytes: n }));
    });
    req.on('error', reject);
    if (body) req.end(body);
    else req.end();
  });
}

/** load fires requests from `concurrency` loops for `durationMs`; returns throughput and latency. */
async function load(port, { durationMs = DURATION_MS, concurrency = CONCURRENCY, ...opts } = {}) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies = [];
  let errors = 0;
  let bytes = 0;
  const end = Date.now() + durationMs;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < end) {
        const t0 = process.hrtime.bigint();
        try {
          const r = await request(agent, port, opts);
          if (r.status !== 200) errors += 1;
          bytes += opts.body ? opts.body.length : r.bytes;
        } catch {
          errors += 1;
        }
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
  return {
    requests: latencies.length,
    rps: latencies.length / seconds,
    mbps: bytes / seconds / 1e6,
    p50: pct(50),
    p99: pct(99),
    errors,
  };
}

function startBackend(port) {
  const page = Buffer.from('<!doctype html><title>bench</title>' + 'x'.repeat(2000));
  const server = http.createServer((req, res) => {
    if (req.method === 'POST') {
      let n = 0;
      req.on('data', (c) => (n += c.length));
      req.on('end', () => res.end(JSON.stringify({ bytes: n })));
      return;
    }
    res.setHeader('content-type', 'text/html');
    res.setHeader('x-ebbflow-instance', 'i-0000beef');
    res.end(page);
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

function rssKb(pid) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)[1]);
  } catch {
    return null;
  }
}

async function main() {
  const entry = path.join(root, 'dist/apps/balancer/src/main.js');
  if (!fs.existsSync(entry)) throw new Error('build first: npm run build');
  const backendPort = await freePort();
  const lbPort = await freePort();
  const adminPort = await freePort();
  const backend = await startBackend(backendPort);
  // Its own state file, so the benchmark's target never reaches the stack's balancer.
  const adminToken = require('crypto').randomBytes(24).toString('hex');
  const admin = { authorization: `Bearer ${adminToken}` };
  const stateFile = path.join(os.tmpdir(), `ebbflow-bench-balancer-${process.pid}.json`);
  const balancer = spawn(process.execPath, [entry], {
    env: {
      ...process.env,
      BALANCER_PORT: String(lbPort),
      BALANCER_HOST: '127.0.0.1',
      BALANCER_ADMIN_PORT: String(adminPort),
      BALANCER_HEALTH_INTERVAL_MS: '500',
      BALANCER_HEALTH_TIMEOUT_MS: '400',
      BALANCER_STATE_FILE: stateFile,
      BALANCER_ADMIN_TOKEN: adminToken,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  balancer.on('exit', (code) => {
    if (code !== null && code !== 0) console.error(`the balancer exited with code ${code}`);
  });
  try {
    // Wait for the admin API, register the backend, wait until it is healthy.
    let registered = false;
    for (let i = 0; i < 300 && !registered; i++) {
      try {
        const r = await fetch(`http://127.0.0.1:${adminPort}/targets/i-0000beef`, {
          method: 'PUT',
          headers: { ...admin, 'content-type': 'application/json' },
          body: JSON.stringify({ address: `127.0.0.1:${backendPort}` }),
        });
        if (!r.ok) throw new Error(`register: ${r.status} ${await r.text()}`);
        registered = true;
      } catch (error) {
        if (error.message.startsWith('register:')) throw error;
        // not up yet
      }
      await sleep(100);
    }
    for (let i = 0; i < 100; i++) {
      const targets = await (await fetch(`http://127.0.0.1:${adminPort}/targets`, { headers: admin })).json();
      if (targets.some((t) => t.health === 'healthy')) break;
      await sleep(200);
    }
    await load(lbPort, { durationMs: 1000 }); // warm-up
    const rssBefore = rssKb(balancer.pid);
    const direct = await load(backendPort);
    let rssPeak = 0;
    const rssTimer = setInterval(() => (rssPeak = Math.max(rssPeak, rssKb(balancer.pid) || 0)), 200);
    const proxied = await load(lbPort);
    const body = Buffer.alloc(5 * 1024 * 1024, 7);
    const uploadDirect = await load(backendPort, { method: 'POST', path: '/upload', body, concurrency: 4 });
    const uploadProxied = await load(lbPort, { method: 'POST', path: '/upload', body, concurrency: 4 });
    clearInterval(rssTimer);

    const f = (n, d = 0) => n.toFixed(d);
    const lines = [
      '# Benchmarks',
      '',
      `Run \`npm run bench\` (\`node bench/run.js\` after a build). Measured ${new Date().toISOString()} on ` +
        `${require('os').cpus().length} cores, Node ${process.version}; ${DURATION_MS} ms per measurement, ` +
        `${CONCURRENCY} concurrent keep-alive clients. Direct and proxied runs are side by side in one run; ` +
        'compare the ratios, not the absolute numbers (shared, noisy machine).',
      '',
      '## Balancer overhead (small page, GET)',
      '',
      'The backend is a trivial Node HTTP server (a 2 kB page, no work), so this is the worst case for the ' +
        'balancer: a real worker renders pages, hashes passwords and talks to MySQL and S3 at a small ' +
        'fraction of these rates, and the hop through the balancer is then a small share of each request.',
      '',
      '| path | requests/s | p50 ms | p99 ms | errors |',
      '| --- | --- | --- | --- | --- |',
      `| direct to the backend | ${f(direct.rps)} | ${f(direct.p50, 2)} | ${f(direct.p99, 2)} | ${direct.errors} |`,
      `| through apps/balancer | ${f(proxied.rps)} | ${f(proxied.p50, 2)} | ${f(proxied.p99, 2)} | ${proxied.errors} |`,
      '',
      `Proxied / direct throughput: **${f(proxied.rps / direct.rps, 2)}**. ` +
        `Balancer RSS: ${rssBefore} kB idle, ${rssPeak} kB peak under load.`,
      '',
      '## Upload streaming (5 MB POST bodies, 4 clients)',
      '',
      '| path | uploads/s | MB/s | errors |',
      '| --- | --- | --- | --- |',
      `| direct | ${f(uploadDirect.rps, 1)} | ${f(uploadDirect.mbps, 1)} | ${uploadDirect.errors} |`,
      `| through apps/balancer | ${f(uploadProxied.rps, 1)} | ${f(uploadProxied.mbps, 1)} | ${uploadProxied.errors} |`,
      '',
      `Proxied / direct upload throughput: **${f(uploadProxied.mbps / uploadDirect.mbps, 2)}**. ` +
        'Bodies are streamed, so the balancer RSS stays far below the bytes moved.',
      '',
    ];
    fs.mkdirSync(path.join(root, 'docs'), { recursive: true });
    fs.writeFileSync(path.join(root, 'docs/benchmarks.md'), lines.join('\n'));
    process.stdout.write(lines.join('\n') + '\n');
  } finally {
    balancer.kill('SIGKILL');
    backend.close();
    fs.rmSync(stateFile, { force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
