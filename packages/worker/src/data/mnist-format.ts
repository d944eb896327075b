import { AtlasError, type ImageSet } from '@diffusion-atlas/core';

/** MNIST images are 28 × 28, used as shipped (not zero-padded). */
export const MNIST_SIDE = 28;
export const MNIST_PIXELS = MNIST_SIDE * MNIST_SIDE;

/**
 * The compact form the site serves: one byte per pixel, round(255·v), images back to back, no
 * header (the count is the length / 784). The `mnist` package stores byte/255 rounded to three
 * decimals, so rounding back recovers the original byte exactly.
 */
export function encodeMnistBytes(values: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = Math.max(0, Math.min(255, Math.round(values[i] * 255)));
  return out;
}

/**
 * Bytes to an ImageSet with intensities byte/255. Node and the browser both decode through here,
 * so the same digit has bit-identical pixels on both paths.
 */
export function decodeMnistBytes(bytes: Uint8Array, digit: number): ImageSet {
  if (bytes.length === 0 || bytes.length % MNIST_PIXELS !== 0) {
    throw new AtlasError('internal', `MNIST digit ${digit}: ${bytes.length} bytes is not a whole number of ${MNIST_SIDE}×${MNIST_SIDE} images`);
  }
  const images = new Float32Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) images[i] = bytes[i] / 255;
  return { images, count: bytes.length / MNIST_PIXELS, width: MNIST_SIDE, height: MNIST_SIDE };
}

export function checkDigit(digit: number): void {
  if (!Number.isInteger(digit) || digit < 0 || digit > 9) throw new AtlasError('invalid-params', `MNIST digit must be an integer from 0 to 9 (got ${digit})`);
}
