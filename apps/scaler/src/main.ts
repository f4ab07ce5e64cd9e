import 'reflect-metadata';
import { RpcErrorPassthroughFilter, runMain } from '@app/messaging';
import { createScalerApp } from './scaler.app';
import { loadScalerConfig } from './scaler.config';

// runMain closes the app on SIGTERM/SIGINT (running every shutdown hook), so
// enableShutdownHooks() would only close it a second time.
runMain('scaler', async () => {
  const app = await createScalerApp(loadScalerConfig());
  app.useGlobalFilters(new RpcErrorPassthroughFilter());
  await app.listen();
  return app;
});
