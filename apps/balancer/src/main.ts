import { runMain } from '@app/messaging';
import { startBalancer } from './balancer.app';
import { loadBalancerConfig } from './balancer.config';

// The balancer does not use RabbitMQ: the fleet drives it through the admin API.
runMain('balancer', async () => {
  const config = loadBalancerConfig();
  const balancer = await startBalancer(config);
  return balancer.app;
});
