import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  DisableScalerCommand,
  PolicyView,
  SCALER_DISABLE,
  SCALER_GET_POLICY,
  SCALER_PUT_POLICY,
  ScalingPolicy,
} from '@app/contracts';
import { PolicyService } from './policy.service';

/**
 * PolicyMessageController answers SCALER_GET_POLICY and SCALER_PUT_POLICY and handles
 * SCALER_DISABLE. An invalid policy never reaches `put`: the transport validates it against the
 * contract's ScalingPolicy and answers code 'invalid' with the errors per field.
 */
@Controller()
export class PolicyMessageController {
  constructor(private readonly policies: PolicyService) {}

  @MessagePattern(SCALER_GET_POLICY.pattern)
  get(): Promise<PolicyView> {
    return this.policies.view();
  }

  @MessagePattern(SCALER_PUT_POLICY.pattern)
  put(@Payload() policy: ScalingPolicy): Promise<PolicyView> {
    return this.policies.save(policy);
  }

  @MessagePattern(SCALER_DISABLE.pattern)
  async disable(@Payload() command: DisableScalerCommand): Promise<void> {
    await this.policies.disable(command.reason ?? 'disabled by command');
  }
}
