import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import type { UserEntity } from './user.entity';

/** IMAGES_TABLE is the user app's picture table. */
export const IMAGES_TABLE = 'images';

/** IMAGE_EXTENSIONS are the stored picture formats (decided from the file's bytes, not its name). */
export const IMAGE_EXTENSIONS = ['jpg', 'png', 'gif', 'webp'] as const;

/** ImageExtension is one of IMAGE_EXTENSIONS. */
export type ImageExtension = (typeof IMAGE_EXTENSIONS)[number];

/**
 * ImageEntity is one uploaded picture. Its original is stored at `imageKey(...)` and its thumbnail
 * at `thumbnailKey(...)` in the bucket; `namebase` is random, so keys cannot be guessed.
 */
@Entity({ name: IMAGES_TABLE })
@Index('idx_images_user_created', ['userid', 'createdAt'])
@Index('uq_images_namebase', ['namebase'], { unique: true })
export class ImageEntity {
  @PrimaryGeneratedColumn({ name: 'imid', type: 'int', unsigned: true })
  imid!: number;

  @Column({ name: 'namebase', type: 'varchar', length: 64 })
  namebase!: string;

  @Column({ name: 'extension', type: 'varchar', length: 8 })
  extension!: ImageExtension;

  @Column({ name: 'userid', type: 'int', unsigned: true })
  userid!: number;

  @ManyToOne('UserEntity', (user: UserEntity) => user.images, { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'userid',
    referencedColumnName: 'userid',
    foreignKeyConstraintName: 'fk_images_user',
  })
  user?: UserEntity;

  @CreateDateColumn({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;
}

/** IMAGES_PREFIX and THUMBNAILS_PREFIX are the bucket prefixes of originals and thumbnails. */
export const IMAGES_PREFIX = 'images/';
export const THUMBNAILS_PREFIX = 'thumbnails/';

/** imageKey is the bucket key of a picture's original: `images/<userid>/<namebase>.<ext>`. */
export function imageKey(image: Pick<ImageEntity, 'userid' | 'namebase' | 'extension'>): string {
  return `${IMAGES_PREFIX}${image.userid}/${image.namebase}.${image.extension}`;
}

/** thumbnailKey is the bucket key of a picture's thumbnail: `thumbnails/<userid>/<namebase>.<ext>`. */
export function thumbnailKey(
  image: Pick<ImageEntity, 'userid' | 'namebase' | 'extension'>,
): string {
  return `${THUMBNAILS_PREFIX}${image.userid}/${image.namebase}.${image.extension}`;
}
