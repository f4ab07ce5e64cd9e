import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { DeepHealthReport, HealthReport, HealthService } from './health.service';

/**
 * HealthController answers health checks. GET /health (the balancer's check): 200 while the
 * process serves, 503 once it is stopping; never waits on a dependency. GET /health/deep: always
 * 200 with the dependencies' last probed state in the body (a report for people and monitoring,
 * not a balancer check: a shared dependency down must not take every worker out).
 */
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get()
  check(@Res({ passthrough: true }) res: Response): HealthReport {
    const report = this.health.shallow();
    res.status(report.status === 'ok' ? 200 : 503);
    res.setHeader('Cache-Control', 'no-store');
    return report;
  }

  @Get('deep')
  deep(@Res({ passthrough: true }) res: Response): DeepHealthReport {
    res.setHeader('Cache-Control', 'no-store');
    return this.health.deep();
  }
}
