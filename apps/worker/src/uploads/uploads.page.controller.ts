import {
  Controller,
  Get,
  Inject,
  Post,
  Req,
  Res,
  UploadedFile,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import { UserEntity } from '@app/app-data';
import type { Request, Response } from 'express';
import { ERROR_CODES, UserError } from '../common/user-error';
import { CsrfInterceptor } from '../csrf/csrf.interceptor';
import { workerSession } from '../session/session-data';
import { CurrentUser, LoggedInGuard } from '../session/logged-in.guard';
import { pageModel } from '../web/page-model';
import { WorkerConfig } from '../worker.config';
import { WORKER_CONFIG } from '../worker.tokens';
import { UPLOAD_FIELD, UploadFileInterceptor, megabytes } from './multipart.interceptor';
import { UploadService } from './upload.service';

/** UploadsPageController serves the upload form and stores what it sends. */
@Controller('upload')
@UseGuards(LoggedInGuard)
export class UploadsPageController {
  constructor(
    private readonly uploads: UploadService,
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
  ) {}

  @Get()
  form(@Req() req: Request, @Res() res: Response): void {
    res.render('upload', this.model(req));
  }

  @Post()
  // The multipart body must be parsed before the CSRF token in it can be checked.
  @UseInterceptors(UploadFileInterceptor, CsrfInterceptor)
  async upload(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentUser() user: UserEntity,
    @UploadedFile() file?: Express.Multer.File,
  ): Promise<void> {
    try {
      if (!file || file.size === 0) {
        throw new UserError(
          400,
          ERROR_CODES.missingField,
          'Choose a picture to upload.',
          UPLOAD_FIELD,
        );
      }
      const image = await this.uploads.store(user, file.buffer);
      const session = workerSession(req);
      if (session) session.flash = 'Picture uploaded.';
      res.redirect(303, `/pictures/${image.namebase}`);
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      res.status(error.getStatus()).render('upload', this.model(req, error.message));
    }
  }

  private model(req: Request, error?: string) {
    return pageModel(
      req,
      'Upload a picture',
      { error, maxSize: megabytes(this.config.UPLOAD_MAX_BYTES), field: UPLOAD_FIELD },
      { form: true },
    );
  }
}
