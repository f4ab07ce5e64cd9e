import { NestFactory } from '@nestjs/core';
import { createRmqServer, RpcErrorPassthroughFilter, runMain } from '@app/messaging';
import { loadFleetConfig } from './fleet.config';
import { FleetModule } from './fleet.module';

runMain('fleet', async () => {
  const config = loadFleetConfig();
  const app = await NestFactory.createMicroservice(FleetModule.forRoot(config), {
    strategy: createRmqServer('fleet', config),
  });
  app.enableShutdownHooks();
  app.useGlobalFilters(new RpcErrorPassthroughFilter());
  await app.listen();
  return app;
});
