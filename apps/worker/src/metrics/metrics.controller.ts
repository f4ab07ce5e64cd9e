import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { WORKER_METRICS_PATH } from '@app/contracts';
import { WorkerMetrics } from './worker-metrics';

/** MetricsController serves the Prometheus text the local metrics service scrapes. */
@Controller()
export class MetricsController {
  constructor(private readonly metrics: WorkerMetrics) {}

  @Get(WORKER_METRICS_PATH)
  async scrape(@Res() res: Response): Promise<void> {
    const text = await this.metrics.registry.metrics();
    res.type(this.metrics.registry.contentType).send(text);
  }
}
