import { Controller } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { SCALER_STATUS, ScalerStatus } from '@app/contracts';
import { ScalerLoopService } from './scaler-loop.service';

/** ScalerStatusMessageController answers SCALER_STATUS: what the auto-scaler is doing now. */
@Controller()
export class ScalerStatusMessageController {
  constructor(private readonly loop: ScalerLoopService) {}

  @MessagePattern(SCALER_STATUS.pattern)
  status(): Promise<ScalerStatus> {
    return this.loop.status();
  }
}
