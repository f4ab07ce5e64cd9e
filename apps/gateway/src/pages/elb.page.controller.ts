import { Controller, Get, Inject, Render } from '@nestjs/common';
import { GatewayConfig } from '../gateway.config';
import { GATEWAY_CONFIG } from '../gateway.tokens';
import { WorkersService } from '../workers/workers.service';

/**
 * ElbPageController is "ELB DNS": where users reach the app (the load balancer's address). In
 * local mode the address is configuration (BALANCER_PUBLIC_URL), so the page shows it even when
 * the fleet does not answer; only the worker counts need the fleet. In aws mode the address is
 * the ELB's DNS name, which only the fleet knows.
 */
@Controller('elb')
export class ElbPageController {
  constructor(
    private readonly workers: WorkersService,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  @Get()
  @Render('elb')
  async page(): Promise<object> {
    if (this.config.CLOUD_PROVIDER === 'aws') {
      const list = await this.workers.list();
      return { title: 'ELB DNS', nav: 'elb', url: list.loadBalancerUrl, ...counts(list.workers) };
    }
    const url = this.config.BALANCER_PUBLIC_URL.replace(/\/+$/, '');
    try {
      const list = await this.workers.list();
      return { title: 'ELB DNS', nav: 'elb', url, ...counts(list.workers) };
    } catch {
      // The address does not depend on the fleet: show it, and say the counts are unknown.
      return { title: 'ELB DNS', nav: 'elb', url, fleetSilent: true };
    }
  }
}

function counts(workers: { state: string; health: string }[]): object {
  return {
    workers: workers.filter((w) => w.state !== 'terminated').length,
    inService: workers.filter((w) => w.state === 'running' && w.health === 'healthy').length,
  };
}
