import { Module } from '@nestjs/common';
import { LoadController } from './load.controller';

/** LoadModule: the load-test endpoints (imported only with WORKER_LOAD_ENDPOINTS=true). */
@Module({ controllers: [LoadController] })
export class LoadModule {}
