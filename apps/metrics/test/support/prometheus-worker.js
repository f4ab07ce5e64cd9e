'use strict';
/**
 * prometheus-worker.js stands for a worker in the metrics tests: a real process serving
 * Prometheus text at GET /metrics (prom-client: process_cpu_seconds_total and
 * http_requests_total{route,method,status}), counting every other request, and burning CPU in
 * short slices so its CPU is above 0. Usage: node prometheus-worker.js <port>.
 */
const http = require('http');
const client = require('prom-client');

const register = new client.Registry();
client.collectDefaultMetrics({ register });
const requests = new client.Counter({
  name: 'http_requests_total',
  help: 'Requests served',
  labelNames: ['route', 'method', 'status'],
  registers: [register],
});

// About 40 % of one core: 20 ms of work every 50 ms.
setInterval(() => {
  const end = Date.now() + 20;
  while (Date.now() < end) Math.sqrt(Math.random());
}, 50);

const server = http.createServer((req, res) => {
  if (req.url === '/metrics') {
    register.metrics().then(
      (text) => res.writeHead(200, { 'content-type': register.contentType }).end(text),
      () => res.writeHead(500).end(),
    );
    return;
  }
  requests.inc({ route: req.url, method: req.method, status: '200' });
  res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
});
server.listen(Number(process.argv[2]), '127.0.0.1', () => process.stdout.write('listening\n'));
process.on('SIGTERM', () => process.exit(0));
