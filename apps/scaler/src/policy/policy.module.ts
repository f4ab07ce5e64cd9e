import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PolicyMessageController } from './policy.message.controller';
import { PolicyService } from './policy.service';
import { ScalingPolicyRow } from './scaling-policy.entity';

/** PolicyModule stores the auto-scaling policy and answers the policy messages. */
@Module({
  imports: [TypeOrmModule.forFeature([ScalingPolicyRow])],
  controllers: [PolicyMessageController],
  providers: [PolicyService],
  exports: [PolicyService],
})
export class PolicyModule {}
