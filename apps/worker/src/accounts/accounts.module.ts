import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UserEntity } from '@app/app-data';
import { SessionModule } from '../session/session.module';
import { AccountsPageController } from './accounts.page.controller';
import { AccountsService } from './accounts.service';
import { LoginThrottle } from '../throttle/login-throttle.service';
import { PasswordHasher } from './password.hasher';

/** AccountsModule: registering, logging in and out (pages), password checks for the API. */
@Module({
  imports: [TypeOrmModule.forFeature([UserEntity]), SessionModule],
  controllers: [AccountsPageController],
  providers: [AccountsService, PasswordHasher, LoginThrottle],
  exports: [AccountsService],
})
export class AccountsModule {}
