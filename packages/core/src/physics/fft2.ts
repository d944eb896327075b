import FFT from 'fft.js';

/**
 * The unitary 2-D discrete Fourier transform of an L × L real grid (L a power of two), by rows and
 * then columns with fft.js: x̂_k = (1/L) Σ_r x_r e^{−2πi k·r/L}. Unitary, so white noise of
 * variance 1 per pixel has E|x̂_k|² = 1 per mode, and a field's per-mode variance is its spectrum.
 * Complex arrays are interleaved (re, im), row-major, length 2L².
 */
export class Fft2 {
  readonly L: number;
  private readonly fft: FFT;
  private readonly lineIn: number[];
  private readonly lineOut: number[];
  private readonly scratch: Float64Array;
  private readonly rows: Float64Array;

  constructor(L: number) {
    this.L = L;
    this.fft = new FFT(L);
    this.lineIn = this.fft.createComplexArray();
    this.lineOut = this.fft.createComplexArray();
    this.scratch = new Float64Array(2 * L * L);
    this.rows = new Float64Array(2 * L * L);
  }

  /** Real grid (L²) → spectrum (2L², interleaved). */
  forward(x: ArrayLike<number>, out: Float64Array): void {
    const { L } = this;
    for (let r = 0; r < L * L; r++) {
      this.scratch[2 * r] = x[r];
      this.scratch[2 * r + 1] = 0;
    }
    this.pass(this.scratch, out, false, 1 / L);
  }

  /** Spectrum (2L², Hermitian for a real result) → real grid (L²); the imaginary part, zero up to rounding, is dropped. */
  inverse(spectrum: Float64Array, out: Float64Array | Float32Array): void {
    const { L } = this;
    // fft.js's inverse divides by L per line; × L per line and ÷ L overall makes it unitary.
    this.pass(spectrum, this.scratch, true, L);
    for (let r = 0; r < L * L; r++) out[r] = this.scratch[2 * r];
  }

  /** Rows then columns of `src` into `dst` (may not alias), each output scaled by `scale`. */
  private pass(src: Float64Array, dst: Float64Array, inverse: boolean, scale: number): void {
    const { L, fft, lineIn, lineOut } = this;
    const rowsDone = this.rows;
    for (let r = 0; r < L; r++) {
      for (let c = 0; c < 2 * L; c++) lineIn[c] = src[2 * r * L + c];
      if (inverse) fft.inverseTransform(lineOut, lineIn);
      else fft.transform(lineOut, lineIn);
      for (let c = 0; c < 2 * L; c++) rowsDone[2 * r * L + c] = lineOut[c];
    }
    for (let c = 0; c < L; c++) {
      for (let r = 0; r < L; r++) {
        lineIn[2 * r] = rowsDone[2 * (r * L + c)];
        lineIn[2 * r + 1] = rowsDone[2 * (r * L + c) + 1];
      }
      if (inverse) fft.inverseTransform(lineOut, lineIn);
      else fft.transform(lineOut, lineIn);
      for (let r = 0; r < L; r++) {
        dst[2 * (r * L + c)] = lineOut[2 * r] * scale;
        dst[2 * (r * L + c) + 1] = lineOut[2 * r + 1] * scale;
      }
    }
  }
}
