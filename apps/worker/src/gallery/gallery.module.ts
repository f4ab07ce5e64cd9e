import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ImageEntity } from '@app/app-data';
import { SessionModule } from '../session/session.module';
import { StorageModule } from '../storage/storage.module';
import { GalleryPageController } from './gallery.page.controller';
import { GalleryService } from './gallery.service';

/** GalleryModule: a user's thumbnails, newest first, and each picture full size. */
@Module({
  imports: [TypeOrmModule.forFeature([ImageEntity]), SessionModule, StorageModule],
  controllers: [GalleryPageController],
  providers: [GalleryService],
})
export class GalleryModule {}
