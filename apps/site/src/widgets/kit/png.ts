/*
 * PNG files written byte by byte: images for figures where no canvas exists (the build-time
 * posters' server DOM) and text chunks for exported figures.
 */

export const PNG_SIGNATURE: readonly number[] = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = (CRC_TABLE[(c ^ b) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** One chunk: length, four-letter type, data, CRC of type and data. */
export function pngChunk(type: string, data: Uint8Array): Uint8Array<ArrayBuffer> {
  const chunk = new Uint8Array(new ArrayBuffer(12 + data.length));
  const view = new DataView(chunk.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) chunk[4 + i] = type.charCodeAt(i);
  chunk.set(data, 8);
  view.setUint32(8 + data.length, crc32(chunk.subarray(4, 8 + data.length)));
  return chunk;
}

/** Signature and chunks, concatenated. */
export function pngFile(chunks: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(new ArrayBuffer(PNG_SIGNATURE.length + chunks.reduce((sum, c) => sum + c.length, 0)));
  out.set(PNG_SIGNATURE);
  let offset = PNG_SIGNATURE.length;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

/** The zlib stream of `raw` in stored (uncompressed) deflate blocks of at most 65 535 bytes. */
function storedZlib(raw: Uint8Array): Uint8Array {
  const blocks = Math.max(1, Math.ceil(raw.length / 65535));
  const out = new Uint8Array(2 + raw.length + 5 * blocks + 4);
  out[0] = 0x78;
  out[1] = 0x01;
  let at = 2;
  for (let b = 0; b < blocks; b++) {
    const block = raw.subarray(b * 65535, Math.min(raw.length, (b + 1) * 65535));
    out[at] = b === blocks - 1 ? 1 : 0;
    out[at + 1] = block.length & 0xff;
    out[at + 2] = block.length >>> 8;
    out[at + 3] = ~block.length & 0xff;
    out[at + 4] = (~block.length >>> 8) & 0xff;
    out.set(block, at + 5);
    at += 5 + block.length;
  }
  let a = 1;
  let s = 0;
  for (const byte of raw) {
    a = (a + byte) % 65521;
    s = (s + a) % 65521;
  }
  new DataView(out.buffer).setUint32(at, ((s << 16) | a) >>> 0);
  return out;
}

/**
 * A PNG of `width` × `height` pixels, one byte per channel: grey (1) or RGBA (4), row by row. The
 * pixels are stored, not compressed: a digit takes a few kilobytes in memory, and the poster
 * build, which inlines images in pages, compresses them (src/posters.ts).
 */
export function encodePng(width: number, height: number, pixels: Uint8Array, channels: 1 | 4): Uint8Array<ArrayBuffer> {
  const stride = width * channels;
  // Each row starts with its filter type, 0 (none).
  const raw = new Uint8Array((stride + 1) * height);
  for (let y = 0; y < height; y++) raw.set(pixels.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header[8] = 8;
  header[9] = channels === 1 ? 0 : 6;
  return pngFile([pngChunk('IHDR', header), pngChunk('IDAT', storedZlib(raw)), pngChunk('IEND', new Uint8Array(0))]);
}

export function pngDataUrl(width: number, height: number, pixels: Uint8Array, channels: 1 | 4): string {
  const png = encodePng(width, height, pixels, channels);
  let binary = '';
  for (let i = 0; i < png.length; i += 0x8000) binary += String.fromCharCode(...png.subarray(i, i + 0x8000));
  return `data:image/png;base64,${btoa(binary)}`;
}
