import { NestFactory } from '@nestjs/core';
import { createRmqServer, runMain } from '@app/messaging';
import { loadJanitorConfig } from './janitor.config';
import { JanitorModule } from './janitor.module';

runMain('janitor', async () => {
  const config = loadJanitorConfig();
  const app = await NestFactory.createMicroservice(JanitorModule.forRoot(config), {
    strategy: createRmqServer('janitor', config),
  });
  await app.listen();
  return app;
});
