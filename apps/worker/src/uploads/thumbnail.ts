import sharp from 'sharp';
import type { ImageType } from './image-type';

/** THUMBNAIL_BOX: thumbnails fit inside 200×150 pixels, aspect ratio kept. */
export const THUMBNAIL_BOX = { width: 200, height: 150 };

/**
 * MAX_INPUT_PIXELS refuses decompression bombs: a few-kB PNG can claim 100 000 × 100 000 pixels.
 * 50 megapixels covers any camera photo.
 */
export const MAX_INPUT_PIXELS = 50_000_000;

/**
 * makeThumbnail decodes the picture (which proves it is one) and returns a thumbnail in the same
 * format, turned upright from its EXIF orientation and never enlarged. Throws when the bytes do
 * not decode.
 */
export async function makeThumbnail(bytes: Buffer, type: ImageType): Promise<Buffer> {
  return sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' })
    .rotate()
    .resize({
      width: THUMBNAIL_BOX.width,
      height: THUMBNAIL_BOX.height,
      fit: 'inside',
      withoutEnlargement: true,
    })
    .toFormat(type.format)
    .toBuffer();
}
