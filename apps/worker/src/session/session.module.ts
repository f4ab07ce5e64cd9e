import { Inject, Module, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UserEntity } from '@app/app-data';
import { DataSource } from 'typeorm';
import { WorkerConfig } from '../worker.config';
import { WORKER_CONFIG } from '../worker.tokens';
import { LoggedInGuard } from './logged-in.guard';
import { SessionEntity } from './session.entity';
import { SessionUsers } from './session-users.service';
import { TypeOrmSessionStore } from './typeorm-session.store';

/** SessionModule provides the MySQL session store, the logged-in user and LoggedInGuard. */
@Module({
  imports: [TypeOrmModule.forFeature([UserEntity, SessionEntity])],
  providers: [
    {
      provide: TypeOrmSessionStore,
      useFactory: (dataSource: DataSource, config: WorkerConfig) =>
        new TypeOrmSessionStore(dataSource, config.SESSION_TTL_S * 1000),
      inject: [DataSource, WORKER_CONFIG],
    },
    SessionUsers,
    LoggedInGuard,
  ],
  exports: [TypeOrmSessionStore, SessionUsers, LoggedInGuard],
})
export class SessionModule implements OnModuleInit, OnModuleDestroy {
  constructor(@Inject(TypeOrmSessionStore) private readonly store: TypeOrmSessionStore) {}

  onModuleInit(): void {
    this.store.startPruning();
  }

  onModuleDestroy(): void {
    this.store.close();
  }
}
