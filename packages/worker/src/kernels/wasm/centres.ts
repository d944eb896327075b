/**
 * Which centres a kernel instance has laid out. A sampler passes the same training array at every
 * step, so the layout is built once per run; the key is the array's identity and shape plus a
 * sample of its values, which catches an array refilled in place with new data (a full comparison
 * would cost as much as copying, on every call).
 */
export interface CentresKey {
  array: Float32Array;
  n: number;
  d: number;
  sample: Float32Array;
}

const SAMPLES = 97;

export function centresKey(array: Float32Array, n: number, d: number): CentresKey {
  return { array, n, d, sample: sampleOf(array, n * d) };
}

export function sameCentres(key: CentresKey | undefined, array: Float32Array, n: number, d: number): boolean {
  if (key === undefined || key.array !== array || key.n !== n || key.d !== d) return false;
  const length = n * d;
  const sample = key.sample;
  const stride = strideOf(length);
  // the sample's last entry is the array's last element, checked below
  for (let j = 0, i = 0; j < sample.length - 1; j++, i += stride) {
    // Object.is: NaN matches NaN, and a sign flip of zero counts as a change
    if (!Object.is(sample[j], array[i])) return false;
  }
  return Object.is(sample[sample.length - 1], array[length - 1]);
}

function strideOf(length: number): number {
  return Math.max(1, Math.floor(length / SAMPLES));
}

function sampleOf(array: Float32Array, length: number): Float32Array {
  const stride = strideOf(length);
  const count = Math.min(SAMPLES, Math.ceil(length / stride));
  const sample = new Float32Array(count + 1);
  for (let j = 0, i = 0; j < count; j++, i += stride) sample[j] = array[i];
  sample[count] = array[length - 1];
  return sample;
}
