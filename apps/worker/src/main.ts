import { Logger } from '@nestjs/common';
import { Server } from 'http';
import { WORKER_KEEP_ALIVE_TIMEOUT_MS } from '@app/contracts';
import { runMain } from '@app/messaging';
import { createWorkerApp } from './worker.app';
import { resolveInstanceIdentity } from './instance-identity';
import { loadWorkerConfig } from './worker.config';

runMain('worker', async () => {
  // aws mode: the EC2 instance id from IMDSv2, so the worker's id is its target's id.
  const config = await resolveInstanceIdentity(loadWorkerConfig());
  const app = await createWorkerApp(config);
  // The balancer's idle upstream sockets close 1 s before this (UPSTREAM_IDLE_SOCKET_MS).
  (app.getHttpServer() as Server).keepAliveTimeout = WORKER_KEEP_ALIVE_TIMEOUT_MS;
  await app.listen(config.WORKER_PORT, config.WORKER_HOST);
  // The one start line at LOG_LEVEL=log (Nest's own are debug lines).
  new Logger('Worker').log(
    `${config.INSTANCE_ID} listening on http://${config.WORKER_HOST}:${config.WORKER_PORT}`,
  );
  return app;
});
