import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { DecisionsQuery, SCALER_DECISIONS, ScalingDecision } from '@app/contracts';
import { DecisionLogService } from './decision-log.service';

/** DecisionsMessageController answers SCALER_DECISIONS (the activity list, the UI's history). */
@Controller()
export class DecisionsMessageController {
  constructor(private readonly log: DecisionLogService) {}

  @MessagePattern(SCALER_DECISIONS.pattern)
  list(@Payload() query: DecisionsQuery): Promise<ScalingDecision[]> {
    return this.log.newest(query);
  }
}
