import type { ImageExtension } from '@app/app-data';

/** ImageType is a picture format the worker accepts. */
export interface ImageType {
  extension: ImageExtension;
  mime: string;
  /** sharp's output format name for thumbnails of this type. */
  format: 'jpeg' | 'png' | 'gif' | 'webp';
}

const JPEG: ImageType = { extension: 'jpg', mime: 'image/jpeg', format: 'jpeg' };
const PNG: ImageType = { extension: 'png', mime: 'image/png', format: 'png' };
const GIF: ImageType = { extension: 'gif', mime: 'image/gif', format: 'gif' };
const WEBP: ImageType = { extension: 'webp', mime: 'image/webp', format: 'webp' };

const startsWith = (bytes: Uint8Array, signature: number[], offset = 0): boolean =>
  bytes.length >= offset + signature.length &&
  signature.every((byte, i) => bytes[offset + i] === byte);

const ascii = (text: string): number[] => [...text].map((c) => c.charCodeAt(0));

/**
 * detectImageType tells JPEG, PNG, GIF and WebP apart by their first bytes (magic numbers), never
 * by the file name or the declared content type; anything else is null.
 */
export function detectImageType(bytes: Uint8Array): ImageType | null {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return JPEG;
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return PNG;
  if (startsWith(bytes, ascii('GIF87a')) || startsWith(bytes, ascii('GIF89a'))) return GIF;
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return WEBP;
  return null;
}
