import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { ImageEntity, imageKey, thumbnailKey } from '@app/app-data';
import { Repository } from 'typeorm';
import { ERROR_CODES, UserError } from '../common/user-error';
import { ObjectStore } from '../storage/object-store';
import { NAMEBASE_PATTERN } from '../uploads/upload.service';

/** GALLERY_PAGE_SIZE: thumbnails per gallery page. */
export const GALLERY_PAGE_SIZE = 48;

/** formatUploadTime shows an upload time as `2026-01-31 14:05 UTC`. */
export function formatUploadTime(at: Date): string {
  return `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** GalleryItem is one thumbnail of the gallery. */
export interface GalleryItem {
  namebase: string;
  thumbnailUrl: string;
  uploadedAt: string;
}

/** GalleryPage is one page of a user's pictures, newest first. */
export interface GalleryPage {
  items: GalleryItem[];
  page: number;
  total: number;
  hasPrevious: boolean;
  hasNext: boolean;
}

/** Picture is one picture shown full size. */
export interface Picture {
  namebase: string;
  extension: string;
  url: string;
  uploadedAt: string;
}

/**
 * GalleryService lists and shows a user's own pictures through presigned URLs. Every query is
 * scoped to the user: another user's picture is "not found", never "forbidden" (which would
 * confirm that it exists).
 */
@Injectable()
export class GalleryService {
  constructor(
    @InjectRepository(ImageEntity) private readonly images: Repository<ImageEntity>,
    private readonly objects: ObjectStore,
  ) {}

  async list(userid: number, page = 1): Promise<GalleryPage> {
    const [rows, total] = await this.images.findAndCount({
      where: { userid },
      order: { createdAt: 'DESC', imid: 'DESC' },
      skip: (page - 1) * GALLERY_PAGE_SIZE,
      take: GALLERY_PAGE_SIZE,
    });
    const items = await Promise.all(
      rows.map(async (row) => ({
        namebase: row.namebase,
        thumbnailUrl: await this.objects.presignGet(thumbnailKey(row)),
        uploadedAt: formatUploadTime(row.createdAt),
      })),
    );
    return {
      items,
      page,
      total,
      hasPrevious: page > 1,
      hasNext: page * GALLERY_PAGE_SIZE < total,
    };
  }

  async picture(userid: number, namebase: string): Promise<Picture> {
    const row = NAMEBASE_PATTERN.test(namebase)
      ? await this.images.findOneBy({ userid, namebase })
      : null;
    if (!row) {
      throw new UserError(
        404,
        ERROR_CODES.notFound,
        'There is no such picture among yours. It may have been deleted.',
      );
    }
    return {
      namebase: row.namebase,
      extension: row.extension,
      url: await this.objects.presignGet(imageKey(row)),
      uploadedAt: formatUploadTime(row.createdAt),
    };
  }
}
