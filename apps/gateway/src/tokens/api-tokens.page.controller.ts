import { Body, Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { InvalidInputError } from '../http/gateway.errors';
import { ApiTokenService } from './api-token.service';
import { redirectWithFlash } from '../http/flash-redirect';

/**
 * ApiTokensPageController is the "API tokens" page: create a token for a script (shown once),
 * see when each was last used, revoke one.
 */
@Controller('tokens')
export class ApiTokensPageController {
  constructor(private readonly tokens: ApiTokenService) {}

  @Get()
  async page(@Res() res: Response): Promise<void> {
    await this.render(res, 200, {});
  }

  /** Creates a token and shows it on the answer page, once; it is stored only as a hash. */
  @Post()
  async create(@Res() res: Response, @Body() form: Record<string, unknown>): Promise<void> {
    const name = typeof form?.name === 'string' ? form.name : '';
    try {
      const created = await this.tokens.create(name);
      // Not a redirect: the token must not pass through the session (flash) or the history.
      res.setHeader('Cache-Control', 'no-store');
      await this.render(res, 201, { created });
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      await this.render(res, 400, { error: error.fields.name?.join(', ') ?? error.message, name });
    }
  }

  @Post(':id/revoke')
  async revoke(@Req() req: Request, @Res() res: Response, @Param('id') id: string): Promise<void> {
    if (!/^\d{1,9}$/.test(id)) throw new InvalidInputError({ id: ['must be a token number'] });
    await this.tokens.revoke(Number(id));
    await redirectWithFlash(req, res, { kind: 'ok', text: `API token ${id} revoked.` }, '/tokens');
  }

  private async render(res: Response, status: number, extra: object): Promise<void> {
    res.status(status).render('tokens', {
      title: 'API tokens',
      nav: 'tokens',
      tokens: await this.tokens.list(),
      ...extra,
    });
  }
}
