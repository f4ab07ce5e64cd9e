import { crc32, deflateSync } from 'zlib';
import sharp from 'sharp';
import { detectImageType } from './image-type';
import { makeThumbnail } from './thumbnail';

const picture = (width: number, height: number, format: 'jpeg' | 'png' | 'gif' | 'webp') =>
  sharp({ create: { width, height, channels: 3, background: '#c04020' } })
    .toFormat(format)
    .toBuffer();

/** pngChunk builds one PNG chunk with its CRC. */
function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

describe('makeThumbnail', () => {
  it.each([
    // [source size, format, expected thumbnail size, why]
    [800, 400, 'png', 200, 100, 'wide: width limits, 2:1 kept'],
    [300, 600, 'jpeg', 75, 150, 'tall: height limits, 1:2 kept'],
    [640, 480, 'webp', 200, 150, '4:3 fills the box exactly'],
    [1000, 10, 'gif', 200, 2, 'a very thin strip stays a strip'],
    [120, 90, 'png', 120, 90, 'smaller than the box: never enlarged'],
  ] as const)(
    'should turn %i×%i %s into %i×%i (%s)',
    async (width, height, format, thumbWidth, thumbHeight, _why) => {
      const source = await picture(width, height, format);
      const thumbnail = await makeThumbnail(source, detectImageType(source)!);
      const meta = await sharp(thumbnail).metadata();
      expect({ format: meta.format, width: meta.width, height: meta.height }).toEqual({
        format,
        width: thumbWidth,
        height: thumbHeight,
      });
    },
  );

  it('should refuse bytes that only look like a PNG', async () => {
    const source = await picture(50, 50, 'png');
    const broken = Buffer.concat([source.subarray(0, 30), Buffer.alloc(100)]);
    await expect(makeThumbnail(broken, detectImageType(broken)!)).rejects.toThrow();
  });

  it('should refuse a decompression bomb (a tiny PNG claiming 100 000 × 100 000 pixels)', async () => {
    const header = Buffer.alloc(13);
    header.writeUInt32BE(100_000, 0);
    header.writeUInt32BE(100_000, 4);
    header.set([8, 2, 0, 0, 0], 8);
    const bomb = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      pngChunk('IHDR', header),
      pngChunk('IDAT', deflateSync(Buffer.alloc(64))),
      pngChunk('IEND', Buffer.alloc(0)),
    ]);
    await expect(makeThumbnail(bomb, detectImageType(bomb)!)).rejects.toThrow(/pixel limit/);
  });
});
