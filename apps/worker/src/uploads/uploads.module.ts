import { Module } from '@nestjs/common';
import { SessionModule } from '../session/session.module';
import { StorageModule } from '../storage/storage.module';
import { UploadFileInterceptor, MultipartFieldsInterceptor } from './multipart.interceptor';
import { UploadService } from './upload.service';
import { UploadsPageController } from './uploads.page.controller';

/** UploadsModule: the upload page and the all-or-nothing store of a picture and its thumbnail. */
@Module({
  imports: [SessionModule, StorageModule],
  controllers: [UploadsPageController],
  providers: [UploadService, UploadFileInterceptor, MultipartFieldsInterceptor],
  exports: [UploadService, UploadFileInterceptor, MultipartFieldsInterceptor],
})
export class UploadsModule {}
