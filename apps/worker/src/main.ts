import { runMain } from '@app/messaging';
import { createWorkerApp } from './worker.app';
import { loadWorkerConfig } from './worker.config';

runMain('worker', async () => {
  const config = loadWorkerConfig();
  const app = await createWorkerApp(config);
  await app.listen(config.WORKER_PORT, config.WORKER_HOST);
  return app;
});
