import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import type { Request, RequestHandler, Response } from 'express';
import multer, { MulterError } from 'multer';
import { Observable } from 'rxjs';
import { ERROR_CODES, UserError } from '../common/user-error';
import { WorkerConfig } from '../worker.config';
import { WORKER_CONFIG } from '../worker.tokens';

/** UPLOAD_FIELD is the multipart field of the picture. */
export const UPLOAD_FIELD = 'file';

/** FIELD_LIMITS bound everything in a multipart body besides the picture. */
const FIELD_LIMITS = { fields: 10, fieldSize: 16 * 1024, fieldNameSize: 100, parts: 12 };

/** megabytes formats a byte limit for messages ("10 MB", "0.2 MB"). */
export function megabytes(bytes: number): string {
  return `${Number((bytes / (1024 * 1024)).toFixed(bytes < 1024 * 1024 ? 2 : 1))} MB`;
}

/**
 * multerErrorToUserError turns a refused multipart body into a UserError that says why; other
 * errors are returned unchanged (they become a 500).
 */
export function multerErrorToUserError(error: unknown, maxBytes: number): unknown {
  if (!(error instanceof MulterError)) {
    const message = (error as Error)?.message ?? '';
    // busboy's complaints about a broken body ("Unexpected end of form", "Malformed part header")
    if (/form|multipart|boundary|part/i.test(message)) {
      return new UserError(
        400,
        ERROR_CODES.invalidField,
        `The upload could not be read: ${message}.`,
      );
    }
    return error;
  }
  switch (error.code) {
    case 'LIMIT_FILE_SIZE':
      return new UserError(
        413,
        ERROR_CODES.tooLarge,
        `The picture is too large: the limit is ${megabytes(maxBytes)}.`,
        UPLOAD_FIELD,
      );
    case 'LIMIT_UNEXPECTED_FILE':
    case 'LIMIT_FILE_COUNT':
      return new UserError(
        400,
        ERROR_CODES.invalidField,
        `Send exactly one file, in the field "${UPLOAD_FIELD}" (got a file in "${error.field ?? '?'}").`,
        error.field ?? UPLOAD_FIELD,
      );
    default:
      return new UserError(
        400,
        ERROR_CODES.invalidField,
        `The form has too many or too long fields (${error.message}).`,
        error.field,
      );
  }
}

/** runMiddleware awaits an Express middleware. */
function runMiddleware(handler: RequestHandler, req: Request, res: Response): Promise<void> {
  return new Promise((resolve, reject) =>
    handler(req, res, (error?: unknown) => (error ? reject(error) : resolve())),
  );
}

/**
 * UploadFileInterceptor parses a multipart body with one picture in `file` (kept in memory, at
 * most UPLOAD_MAX_BYTES: multer stops reading beyond it) into `req.body` and `req.file`. A body
 * that is not multipart passes untouched (the handler then finds no file).
 */
@Injectable()
export class UploadFileInterceptor implements NestInterceptor {
  private readonly handler: RequestHandler;
  private readonly maxBytes: number;

  constructor(@Inject(WORKER_CONFIG) config: WorkerConfig) {
    this.maxBytes = config.UPLOAD_MAX_BYTES;
    this.handler = multer({
      storage: multer.memoryStorage(),
      limits: { ...FIELD_LIMITS, files: 1, fileSize: config.UPLOAD_MAX_BYTES },
    }).single(UPLOAD_FIELD);
  }

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const http = context.switchToHttp();
    try {
      await runMiddleware(this.handler, http.getRequest<Request>(), http.getResponse<Response>());
    } catch (error) {
      throw multerErrorToUserError(error, this.maxBytes);
    }
    return next.handle();
  }
}

/** MultipartFieldsInterceptor parses a multipart body of text fields only (no file allowed). */
@Injectable()
export class MultipartFieldsInterceptor implements NestInterceptor {
  private readonly handler = multer({ limits: { ...FIELD_LIMITS, files: 0 } }).none();

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const http = context.switchToHttp();
    try {
      await runMiddleware(this.handler, http.getRequest<Request>(), http.getResponse<Response>());
    } catch (error) {
      throw multerErrorToUserError(error, 0);
    }
    return next.handle();
  }
}
