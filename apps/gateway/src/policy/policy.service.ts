import { Injectable } from '@nestjs/common';
import {
  PolicyView,
  SCALER_DISABLE,
  SCALER_GET_POLICY,
  SCALER_PUT_POLICY,
  SCALER_STATUS,
  ScalerStatus,
  ScalingPolicy,
} from '@app/contracts';
import { MessageBus } from '@app/messaging';

/** PolicyService reads and saves the auto-scaling policy through the scaler. */
@Injectable()
export class PolicyService {
  constructor(private readonly bus: MessageBus) {}

  /** get answers the stored policy (null before one is saved). */
  get(): Promise<PolicyView> {
    return this.bus.query(SCALER_GET_POLICY, {});
  }

  /** status answers what the auto-scaler is doing now (its latest evaluation, cooldown, next run). */
  status(): Promise<ScalerStatus> {
    return this.bus.query(SCALER_STATUS, {});
  }

  /**
   * put replaces the policy. The payload is validated against the contract's ScalingPolicy
   * before it leaves (MessageValidationError with the field errors) and again by the scaler
   * (RemoteError 'invalid' with the field errors); either way nothing is changed.
   */
  put(policy: ScalingPolicy): Promise<PolicyView> {
    return this.bus.query(SCALER_PUT_POLICY, policy);
  }

  /** disable turns the auto-scaler off; returns the commandId. */
  disable(reason: string): Promise<string> {
    return this.bus.command(SCALER_DISABLE, { reason });
  }
}
