import sharp from 'sharp';
import { detectImageType } from './image-type';

const tiny = (format: 'jpeg' | 'png' | 'gif' | 'webp') =>
  sharp({ create: { width: 4, height: 3, channels: 3, background: '#336699' } })
    .toFormat(format)
    .toBuffer();

describe('detectImageType', () => {
  it.each([
    ['jpeg', 'jpg', 'image/jpeg'],
    ['png', 'png', 'image/png'],
    ['gif', 'gif', 'image/gif'],
    ['webp', 'webp', 'image/webp'],
  ] as const)('should recognise a real %s by its bytes', async (format, extension, mime) => {
    expect(detectImageType(await tiny(format))).toEqual({ extension, mime, format });
  });

  it.each([
    ['an empty file', Buffer.alloc(0)],
    ['plain text', Buffer.from('hello, I am a picture, trust me')],
    ['a PDF', Buffer.from('%PDF-1.7\n')],
    ['a PNG signature cut short', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d])],
    ['a RIFF file that is not WebP (WAV)', Buffer.from('RIFF\x24\x00\x00\x00WAVEfmt ', 'latin1')],
    ['an SVG (XML, could carry script)', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>')],
    ['a GIF-like header of another version', Buffer.from('GIF88a')],
  ])('should refuse %s', (_name, bytes) => {
    expect(detectImageType(bytes)).toBeNull();
  });
});
