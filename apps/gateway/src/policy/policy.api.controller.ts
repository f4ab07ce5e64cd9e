import { Body, Controller, Get, Put } from '@nestjs/common';
import { PolicyView, ScalerStatus, ScalingPolicy } from '@app/contracts';
import { validatePayload } from '@app/messaging';
import { refuseReservedKeys } from '../http/json-body';
import { PolicyService } from './policy.service';

/** PolicyApiController reads and replaces the auto-scaling policy (`/api/policy`). */
@Controller('api/policy')
export class PolicyApiController {
  constructor(private readonly policy: PolicyService) {}

  @Get()
  get(): Promise<PolicyView> {
    return this.policy.get();
  }

  /** Replaces the policy; 400 `{ error: 'invalid', fields }` when invalid, unknown fields refused. */
  @Put()
  put(@Body() body: unknown): Promise<PolicyView> {
    refuseReservedKeys(body);
    return this.policy.put(validatePayload('policy', ScalingPolicy, body));
  }
}

/** ScalerApiController reports what the auto-scaler is doing now (`GET /api/scaler`). */
@Controller('api/scaler')
export class ScalerApiController {
  constructor(private readonly policy: PolicyService) {}

  @Get()
  status(): Promise<ScalerStatus> {
    return this.policy.status();
  }
}
