import 'reflect-metadata';
import { RpcErrorPassthroughFilter, runMain } from '@app/messaging';
import { createMetricsApp } from './metrics.app';
import { loadMetricsConfig } from './metrics.config';

// runMain closes the app on SIGTERM/SIGINT (running every shutdown hook), so
// enableShutdownHooks() would only close it a second time.
runMain('metrics', async () => {
  const app = await createMetricsApp(loadMetricsConfig());
  app.useGlobalFilters(new RpcErrorPassthroughFilter());
  await app.listen();
  return app;
});
