import { Logger } from '@nestjs/common';

/**
 * GatewayExit is how "Stopping" ends the gateway once its answer is flushed. The default sends
 * the process SIGTERM, which `runMain` turns into a clean close and exit code 0; tests bind a
 * fake that only records the call.
 */
export abstract class GatewayExit {
  abstract exit(reason: string): void;
}

/** ProcessGatewayExit stops this process through its SIGTERM handler (runMain). */
export class ProcessGatewayExit extends GatewayExit {
  private readonly logger = new Logger('Gateway');

  exit(reason: string): void {
    this.logger.log(`stopping the gateway: ${reason}`);
    setImmediate(() => process.kill(process.pid, 'SIGTERM'));
  }
}
