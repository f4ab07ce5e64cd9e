import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { UploadsModule } from '../uploads/uploads.module';
import { AutomationController } from './automation.controller';

/** AutomationModule: POST /api/register and POST /api/upload for scripts. */
@Module({
  imports: [AccountsModule, UploadsModule],
  controllers: [AutomationController],
})
export class AutomationModule {}
