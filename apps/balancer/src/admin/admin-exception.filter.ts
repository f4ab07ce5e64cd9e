import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';

/**
 * AdminExceptionFilter answers every admin API error as JSON `{ statusCode, error, message,
 * fields? }`. A 400 without field errors comes from Nest's mapping of a body that is not valid
 * JSON (or a path with a broken %-escape), so it is given the field it is about; anything that
 * is not an HttpException is a 500 (logged, details not shown).
 */
@Catch()
export class AdminExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Admin');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (!(exception instanceof HttpException)) {
      this.logger.error(`admin API error: ${(exception as Error)?.stack ?? String(exception)}`);
      res
        .status(500)
        .json({ statusCode: 500, error: 'Internal Server Error', message: 'internal error' });
      return;
    }
    const status = exception.getStatus();
    const body = exception.getResponse();
    const message =
      typeof body === 'string' ? body : String((body as { message?: unknown }).message);
    if (status === 400 && (typeof body === 'string' || !('fields' in body))) {
      const field = /param/i.test(message) ? 'id' : 'body';
      const reason = field === 'id' ? 'is not a valid URL path segment' : 'is not valid JSON';
      res.status(400).json({
        statusCode: 400,
        error: 'Bad Request',
        message: `${field}: ${reason} (${message})`,
        fields: { [field]: [reason] },
      });
      return;
    }
    res
      .status(status)
      .json(typeof body === 'string' ? { statusCode: status, message: body } : body);
  }
}
