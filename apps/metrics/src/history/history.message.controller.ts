import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { HistoryQuery, HistoryReply, METRICS_HISTORY } from '@app/contracts';
import { HistoryService } from './history.service';

/** HistoryMessageController answers METRICS_HISTORY (the "Detailed" charts of a worker). */
@Controller()
export class HistoryMessageController {
  constructor(private readonly history: HistoryService) {}

  @MessagePattern(METRICS_HISTORY.pattern)
  get(@Payload() query: HistoryQuery): Promise<HistoryReply> {
    return this.history.history(query.instanceId, query.minutes);
  }
}
