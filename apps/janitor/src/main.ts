import { NestFactory } from '@nestjs/core';
import { createRmqServer, RpcErrorPassthroughFilter, runMain } from '@app/messaging';
import { loadJanitorConfig } from './janitor.config';
import { JanitorModule } from './janitor.module';

runMain('janitor', async () => {
  const config = loadJanitorConfig();
  const app = await NestFactory.createMicroservice(JanitorModule.forRoot(config), {
    strategy: createRmqServer('janitor', config),
  });
  app.useGlobalFilters(new RpcErrorPassthroughFilter());
  await app.listen();
  return app;
});
