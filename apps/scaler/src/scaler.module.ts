import { DynamicModule, Module } from '@nestjs/common';
import { DatabaseModule } from '@app/database';
import { MessagingModule } from '@app/messaging';
import { SCALER_MIGRATIONS } from './database/migrations';
import { ScalingDecisionRow } from './decisions/scaling-decision.entity';
import { DecisionsModule } from './decisions/decisions.module';
import { EvaluationModule } from './evaluation/evaluation.module';
import { ObservationModule } from './observation/observation.module';
import { PolicyModule } from './policy/policy.module';
import { ScalingPolicyRow } from './policy/scaling-policy.entity';
import { SCALER_CONFIG, ScalerConfig } from './scaler.config';

/** ScalerModule is the auto-scaler: policy, observations, the evaluation loop, the decision log. */
@Module({})
export class ScalerModule {
  static forRoot(config: ScalerConfig): DynamicModule {
    return {
      module: ScalerModule,
      global: true,
      imports: [
        MessagingModule.forRoot('scaler', config),
        DatabaseModule.forRoot({
          app: 'scaler',
          entities: [ScalingPolicyRow, ScalingDecisionRow],
          migrations: SCALER_MIGRATIONS,
          url: config.DATABASE_URL,
        }),
        PolicyModule,
        DecisionsModule,
        ObservationModule,
        EvaluationModule,
      ],
      providers: [{ provide: SCALER_CONFIG, useValue: config }],
      exports: [SCALER_CONFIG],
    };
  }
}
