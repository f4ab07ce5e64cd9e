import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DecisionLogService } from './decision-log.service';
import { DecisionsMessageController } from './decisions.message.controller';
import { ScalingDecisionRow } from './scaling-decision.entity';

/** DecisionsModule stores the decisions and answers SCALER_DECISIONS. */
@Module({
  imports: [TypeOrmModule.forFeature([ScalingDecisionRow])],
  controllers: [DecisionsMessageController],
  providers: [DecisionLogService],
  exports: [DecisionLogService],
})
export class DecisionsModule {}
