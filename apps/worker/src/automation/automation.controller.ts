import {
  Body,
  Controller,
  HttpCode,
  Post,
  Req,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import type { Request } from 'express';
import { clientAddress } from '../web/client-address';
import { AccountsService } from '../accounts/accounts.service';
import { ERROR_CODES, UserError } from '../common/user-error';
import {
  MultipartFieldsInterceptor,
  UPLOAD_FIELD,
  UploadFileInterceptor,
} from '../uploads/multipart.interceptor';
import { UploadService } from '../uploads/upload.service';

/** ApiSuccess is the answer of a successful automation call. */
export interface ApiSuccess {
  success: true;
}

type CredentialsBody = { username?: unknown; password?: unknown } | undefined;

/**
 * AutomationController is the course load generator's API: register and upload with the password
 * in the form (no session, no CSRF token). Errors are answered by WorkerExceptionFilter as
 * `{ success: false, error: { code, message } }`.
 */
@Controller('api')
export class AutomationController {
  constructor(
    private readonly accounts: AccountsService,
    private readonly uploads: UploadService,
  ) {}

  /** POST /api/register: `username`, `password` (urlencoded or multipart). */
  @Post('register')
  @HttpCode(200)
  @UseInterceptors(MultipartFieldsInterceptor)
  async register(@Body() body: CredentialsBody): Promise<ApiSuccess> {
    await this.accounts.register(body?.username, body?.password);
    return { success: true };
  }

  /** POST /api/upload: multipart `username`, `password`, `file`. */
  @Post('upload')
  @HttpCode(200)
  @UseInterceptors(UploadFileInterceptor)
  async upload(
    @Req() req: Request,
    @Body() body: CredentialsBody,
    @UploadedFile() file?: Express.Multer.File,
  ): Promise<ApiSuccess> {
    const user = await this.accounts.authenticate(
      body?.username,
      body?.password,
      clientAddress(req),
    );
    if (!file || file.size === 0) {
      throw new UserError(
        400,
        ERROR_CODES.missingField,
        `Attach the picture as the multipart file field "${UPLOAD_FIELD}".`,
        UPLOAD_FIELD,
      );
    }
    await this.uploads.store(user, file.buffer);
    return { success: true };
  }
}
