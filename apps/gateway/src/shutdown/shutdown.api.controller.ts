import { Controller, HttpCode, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { exitOnceAnswered, GatewayExit } from './gateway-exit';
import { ShutdownReport, ShutdownService } from './shutdown.service';

/** ShutdownApiController is `POST /api/shutdown`: stop everything, answer what was done, exit. */
@Controller('api/shutdown')
export class ShutdownApiController {
  constructor(
    private readonly shutdown: ShutdownService,
    private readonly exit: GatewayExit,
  ) {}

  @Post()
  @HttpCode(200)
  async stop(@Res({ passthrough: true }) res: Response): Promise<ShutdownReport> {
    const report = await this.shutdown.run();
    // The gateway goes last, once its answer has left (or its client has).
    exitOnceAnswered(res, this.exit, 'POST /api/shutdown');
    return report;
  }
}
