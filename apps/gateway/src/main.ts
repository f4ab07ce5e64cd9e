import { Logger } from '@nestjs/common';
import { runMain } from '@app/messaging';
import { createGatewayApp } from './gateway.app';
import { loadGatewayConfig } from './gateway.config';

runMain('gateway', async () => {
  const config = loadGatewayConfig();
  const app = await createGatewayApp(config);
  await app.listen(config.GATEWAY_PORT, config.GATEWAY_HOST);
  new Logger('Gateway').log(
    `manager listening on http://${config.GATEWAY_HOST}:${config.GATEWAY_PORT}`,
  );
  return app;
});
