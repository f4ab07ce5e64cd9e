import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ClearCommand, JANITOR_CLEAR } from '@app/contracts';
import { ClearService } from './clear.service';

/** ClearMessageController consumes JANITOR_CLEAR commands. */
@Controller()
export class ClearMessageController {
  constructor(private readonly clear: ClearService) {}

  @MessagePattern(JANITOR_CLEAR.pattern)
  async onClear(@Payload() command: ClearCommand): Promise<void> {
    await this.clear.handle(command);
  }
}
