import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { NotFoundError } from '../http/gateway.errors';
import { ClearService } from './clear.service';

/** ClearPageController is the "Delete" page: confirm, clear, follow the progress, see the counts. */
@Controller('delete')
export class ClearPageController {
  constructor(private readonly clear: ClearService) {}

  @Get()
  page(@Res() res: Response): void {
    res.render('delete', { title: 'Delete', nav: 'delete' });
  }

  @Post()
  async start(@Res() res: Response, @Body() form: Record<string, unknown>): Promise<void> {
    if (form?.confirm !== 'yes') {
      res.status(400).render('delete', {
        title: 'Delete',
        nav: 'delete',
        error: 'Tick the box to confirm that every picture and every user account must go.',
      });
      return;
    }
    const commandId = await this.clear.start('manual: Delete page');
    res.redirect(303, `/delete/runs/${commandId}`);
  }

  @Get('runs/:commandId')
  run(@Res() res: Response, @Param('commandId', new ParseUUIDPipe()) commandId: string): void {
    if (!this.clear.known(commandId)) {
      throw new NotFoundError(`No clear run ${commandId} is known to this manager.`);
    }
    const result = this.clear.result(commandId);
    res.render('delete-run', {
      title: 'Delete',
      nav: 'delete',
      commandId,
      result,
      failed: Boolean(result?.error),
      seconds: result ? (result.durationMs / 1000).toFixed(1) : undefined,
    });
  }
}
