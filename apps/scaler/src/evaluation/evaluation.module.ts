import { Module } from '@nestjs/common';
import { DecisionsModule } from '../decisions/decisions.module';
import { ObservationModule } from '../observation/observation.module';
import { PolicyModule } from '../policy/policy.module';
import { ScalerLoopService } from './scaler-loop.service';
import { ScalerStatusMessageController } from './scaler-status.message.controller';

/** EvaluationModule runs the scaler's periodic evaluation. */
@Module({
  imports: [ObservationModule, PolicyModule, DecisionsModule],
  controllers: [ScalerStatusMessageController],
  providers: [ScalerLoopService],
})
export class EvaluationModule {}
