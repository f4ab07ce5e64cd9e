import { Module } from '@nestjs/common';
import { LoadController } from './load.controller';

/** LoadModule: the load-test endpoints. */
@Module({ controllers: [LoadController] })
export class LoadModule {}
