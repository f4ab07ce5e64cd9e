import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { FleetListReply, RemoveWorkerReply } from '@app/contracts';
import { WorkerMetrics } from './metric-series';
import { parseGrowRequest, parseInstanceId, parseMinutes } from './workers.requests';
import { WorkersService } from './workers.service';

/** CommandAccepted answers a command the fleet will carry out. */
export interface CommandAccepted {
  commandId: string;
}

/** WorkersApiController is the JSON API of the pool (`/api/workers`). */
@Controller('api/workers')
export class WorkersApiController {
  constructor(private readonly workers: WorkersService) {}

  @Get()
  list(): Promise<FleetListReply> {
    return this.workers.list();
  }

  @Post()
  @HttpCode(202)
  async grow(@Body() body: unknown): Promise<CommandAccepted & { count: number }> {
    const count = parseGrowRequest(body);
    const commandId = await this.workers.grow(count, `manual: API add ${count}`);
    return { commandId, count };
  }

  /** Destroy: 202 with the fleet's verdict, 404 unknown worker, 409 with the reason it cannot. */
  @Delete(':id')
  @HttpCode(202)
  terminate(@Param('id') id: string): Promise<RemoveWorkerReply> {
    const instanceId = parseInstanceId(id);
    return this.workers.terminate(instanceId, `manual: API destroy ${instanceId}`);
  }

  @Get(':id/metrics')
  metrics(@Param('id') id: string, @Query('minutes') minutes: unknown): Promise<WorkerMetrics> {
    return this.workers.listedWorkerMetrics(parseInstanceId(id), parseMinutes(minutes));
  }
}
