import { Controller, Get, Param, Query, Req, Res, UseGuards } from '@nestjs/common';
import { UserEntity } from '@app/app-data';
import type { Request, Response } from 'express';
import { CurrentUser, LoggedInGuard } from '../session/logged-in.guard';
import { pageModel } from '../web/page-model';
import { GalleryService } from './gallery.service';

/** parsePage reads `?page=`; anything but a whole number from 1 means page 1. */
export function parsePage(value: unknown): number {
  const page = typeof value === 'string' && /^\d{1,6}$/.test(value) ? Number(value) : 1;
  return page >= 1 ? page : 1;
}

/** GalleryPageController serves "my pictures" and one picture full size. */
@Controller('pictures')
@UseGuards(LoggedInGuard)
export class GalleryPageController {
  constructor(private readonly gallery: GalleryService) {}

  @Get()
  async list(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentUser() user: UserEntity,
    @Query('page') pageParam?: string,
  ): Promise<void> {
    const page = await this.gallery.list(user.userid, parsePage(pageParam));
    res.render(
      'gallery',
      pageModel(req, 'My pictures', {
        ...page,
        empty: page.total === 0,
        previousPage: page.page - 1,
        nextPage: page.page + 1,
      }),
    );
  }

  @Get(':namebase')
  async picture(
    @Req() req: Request,
    @Res() res: Response,
    @CurrentUser() user: UserEntity,
    @Param('namebase') namebase: string,
  ): Promise<void> {
    const picture = await this.gallery.picture(user.userid, namebase);
    res.render('picture', pageModel(req, 'Picture', { picture }));
  }
}
