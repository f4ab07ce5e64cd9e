import { randomBytes } from 'crypto';
import { Injectable, Logger } from '@nestjs/common';
import { ImageEntity, UserEntity, imageKey, thumbnailKey } from '@app/app-data';
import { DataSource } from 'typeorm';
import { ERROR_CODES, UserError } from '../common/user-error';
import { WorkerMetrics } from '../metrics/worker-metrics';
import { ObjectStore } from '../storage/object-store';
import { detectImageType } from './image-type';
import { makeThumbnail } from './thumbnail';

/** newNamebase is 128 random bits in hex: unique in practice and impossible to guess. */
export function newNamebase(): string {
  return randomBytes(16).toString('hex');
}

/** NAMEBASE_PATTERN matches what newNamebase returns. */
export const NAMEBASE_PATTERN = /^[0-9a-f]{32}$/;

/**
 * UploadService stores one picture all or nothing: original and thumbnail in the bucket and the
 * `images` row (with the user's upload count) in one transaction; when anything fails, the
 * objects already written are deleted again.
 */
@Injectable()
export class UploadService {
  private readonly logger = new Logger(UploadService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly objects: ObjectStore,
    private readonly metrics: WorkerMetrics,
  ) {}

  /** store checks, thumbnails and stores `bytes` for `user`; answers the new image. */
  async store(user: UserEntity, bytes: Buffer): Promise<ImageEntity> {
    const stopTimer = this.metrics.uploadDuration.startTimer();
    try {
      const image = await this.storeChecked(user, bytes);
      stopTimer({ outcome: 'stored' });
      return image;
    } catch (error) {
      stopTimer({ outcome: error instanceof UserError ? 'refused' : 'failed' });
      throw error;
    }
  }

  private async storeChecked(user: UserEntity, bytes: Buffer): Promise<ImageEntity> {
    const type = detectImageType(bytes);
    if (!type) {
      throw new UserError(
        415,
        ERROR_CODES.notAnImage,
        'This file is not a picture: upload a JPEG, PNG, GIF or WebP image.',
        'file',
      );
    }
    let thumbnail: Buffer;
    try {
      thumbnail = await makeThumbnail(bytes, type);
    } catch (error) {
      throw new UserError(
        415,
        ERROR_CODES.notAnImage,
        `This file starts like a ${type.format.toUpperCase()} image but cannot be read as one ` +
          `(${(error as Error).message.split('\n')[0]}).`,
        'file',
      );
    }
    const image = Object.assign(new ImageEntity(), {
      namebase: newNamebase(),
      extension: type.extension,
      userid: user.userid,
    });
    const keys = [imageKey(image), thumbnailKey(image)];
    try {
      await Promise.all([
        this.objects.put(keys[0], bytes, type.mime),
        this.objects.put(keys[1], thumbnail, type.mime),
      ]);
      await this.dataSource.transaction(async (manager) => {
        // The user row first: inserting the image first would take a shared lock on the user row
        // (foreign key check) and two concurrent uploads would deadlock upgrading it.
        const updated = await manager.increment(
          UserEntity,
          { userid: user.userid },
          'uploadCount',
          1,
        );
        if (!updated.affected) throw new Error(`user ${user.userid} no longer exists`);
        await manager.insert(ImageEntity, image);
      });
      return image;
    } catch (error) {
      // Delete both keys, not only the confirmed ones: a put that timed out may still have landed.
      await this.objects
        .deleteKeys(keys)
        .catch((cleanupError: unknown) =>
          this.logger.error(
            `upload failed and its objects ${keys.join(', ')} could not be deleted: ${(cleanupError as Error).message}`,
          ),
        );
      throw error;
    }
  }
}
