import { Controller, Get, Query } from '@nestjs/common';
import { parseInstanceId, parseLimit } from '../workers/workers.requests';
import { ActivityService, ActivityView } from './activity.service';

/** MAX_ACTIVITY_LIMIT bounds one activity page. */
export const MAX_ACTIVITY_LIMIT = 1000;

/** ActivityApiController answers `GET /api/activity?limit=&instanceId=`, newest first. */
@Controller('api/activity')
export class ActivityApiController {
  constructor(private readonly activity: ActivityService) {}

  @Get()
  async list(
    @Query('limit') limit: unknown,
    @Query('instanceId') instanceId: unknown,
  ): Promise<{ activity: ActivityView[] }> {
    const id =
      instanceId === undefined || instanceId === ''
        ? undefined
        : parseInstanceId(String(instanceId), 'instanceId');
    return { activity: await this.activity.list(parseLimit(limit, 50, MAX_ACTIVITY_LIMIT), id) };
  }
}
