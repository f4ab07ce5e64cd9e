import { Controller, Get, Render } from '@nestjs/common';
import { WorkersService } from '../workers/workers.service';

/** ElbPageController is "ELB DNS": where users reach the app (the load balancer's address). */
@Controller('elb')
export class ElbPageController {
  constructor(private readonly workers: WorkersService) {}

  @Get()
  @Render('elb')
  async page(): Promise<object> {
    const list = await this.workers.list();
    const inService = list.workers.filter((w) => w.state === 'running' && w.health === 'healthy');
    return {
      title: 'ELB DNS',
      nav: 'elb',
      url: list.loadBalancerUrl,
      workers: list.workers.filter((w) => w.state !== 'terminated').length,
      inService: inService.length,
    };
  }
}
