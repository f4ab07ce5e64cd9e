import { Controller, HttpCode, Post } from '@nestjs/common';
import { ClearResult } from '@app/contracts';
import { RemoteError } from '@app/messaging';
import { ClearService } from './clear.service';

/** ClearApiController is `POST /api/clear`: wipe the bucket and the tables, answer the counts. */
@Controller('api/clear')
export class ClearApiController {
  constructor(private readonly clear: ClearService) {}

  @Post()
  @HttpCode(200)
  async clearAll(): Promise<Omit<ClearResult, 'error'>> {
    const commandId = await this.clear.start('manual: API clear');
    const result = await this.clear.wait(commandId);
    if (result.error) {
      throw new RemoteError(
        'clear-failed',
        `The janitor could not clear everything: ${result.error}`,
      );
    }
    return result;
  }
}
