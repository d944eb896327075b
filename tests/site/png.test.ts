import { crc32, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodePng, pngDataUrl } from '@diffusion-atlas/site/widgets/kit/png.ts';

/*
 * The PNG writer behind the digit images (drawn without a canvas, so that build-time posters have
 * them): a valid file, read back byte for byte.
 */

interface Chunk {
  type: string;
  data: Buffer;
  crcOk: boolean;
}

function chunks(png: Uint8Array): Chunk[] {
  const bytes = Buffer.from(png);
  expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const out: Chunk[] = [];
  for (let at = 8; at < bytes.length; ) {
    const length = bytes.readUInt32BE(at);
    const type = bytes.toString('latin1', at + 4, at + 8);
    const data = bytes.subarray(at + 8, at + 8 + length);
    out.push({ type, data, crcOk: bytes.readUInt32BE(at + 8 + length) === crc32(bytes.subarray(at + 4, at + 8 + length)) });
    at += 12 + length;
  }
  return out;
}

/** The pixels back from the file: the inflated rows, each without its leading filter byte. */
function pixelsOf(png: Uint8Array, width: number, height: number, channels: number): number[] {
  const idat = Buffer.concat(chunks(png).filter((c) => c.type === 'IDAT').map((c) => c.data));
  const raw = inflateSync(idat);
  const stride = width * channels;
  expect(raw.length).toBe((stride + 1) * height);
  const out: number[] = [];
  for (let y = 0; y < height; y++) {
    expect(raw[y * (stride + 1)]).toBe(0);
    out.push(...raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)));
  }
  return out;
}

describe('PNG encoding without a canvas', () => {
  it('writes a grey image that reads back exactly, with valid chunk checksums', () => {
    const width = 28;
    const height = 28;
    const pixels = Uint8Array.from({ length: width * height }, (_, k) => (k * 37) % 256);
    const png = encodePng(width, height, pixels, 1);
    const list = chunks(png);
    expect(list.map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
    expect(list.every((c) => c.crcOk)).toBe(true);
    const header = list[0]?.data ?? Buffer.alloc(13);
    expect([header.readUInt32BE(0), header.readUInt32BE(4), header[8], header[9]]).toEqual([width, height, 8, 0]);
    expect(pixelsOf(png, width, height, 1)).toEqual([...pixels]);
  });

  it('writes RGBA, and images larger than one stored deflate block', () => {
    const width = 200;
    const height = 100;
    const pixels = Uint8Array.from({ length: 4 * width * height }, (_, k) => (k * 13 + (k >> 8)) % 256);
    const png = encodePng(width, height, pixels, 4);
    expect(chunks(png).every((c) => c.crcOk)).toBe(true);
    expect(chunks(png)[0]?.data[9]).toBe(6);
    expect(pixelsOf(png, width, height, 4)).toEqual([...pixels]);
  });

  it('gives a data URL of the same bytes', () => {
    const pixels = Uint8Array.from([0, 128, 255, 64]);
    const url = pngDataUrl(2, 2, pixels, 1);
    expect(url.startsWith('data:image/png;base64,')).toBe(true);
    expect([...Buffer.from(url.slice('data:image/png;base64,'.length), 'base64')]).toEqual([...encodePng(2, 2, pixels, 1)]);
  });
});
