import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DatabaseModule } from '@app/database';
import { MessagingModule } from '@app/messaging';
import { BucketWiper } from './clear/bucket-wiper';
import { ClearMessageController } from './clear/clear.message.controller';
import { ClearService } from './clear/clear.service';
import { JanitorRunEntity } from './clear/janitor-run.entity';
import { s3ClientProvider } from './clear/s3-client.provider';
import { TableWiper } from './clear/table-wiper';
import { JANITOR_ENTITIES, JANITOR_MIGRATIONS } from './database/janitor.database';
import { JanitorConfig } from './janitor.config';
import { JANITOR_CONFIG } from './janitor.tokens';

/** JanitorModule wipes the application's data on JANITOR_CLEAR: the bucket, then the tables. */
@Module({})
export class JanitorModule {
  static forRoot(config: JanitorConfig): DynamicModule {
    return {
      module: JanitorModule,
      imports: [
        MessagingModule.forRoot('janitor', config),
        DatabaseModule.forRoot({
          app: 'janitor',
          entities: JANITOR_ENTITIES,
          migrations: JANITOR_MIGRATIONS,
          url: config.DATABASE_URL,
        }),
        TypeOrmModule.forFeature([JanitorRunEntity]),
      ],
      controllers: [ClearMessageController],
      providers: [
        { provide: JANITOR_CONFIG, useValue: config },
        s3ClientProvider(config),
        BucketWiper,
        TableWiper,
        ClearService,
      ],
    };
  }
}
