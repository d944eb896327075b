export type { AtlasClient, AtlasTestableClient, BackendPreference, BackendReport, PartialCallback, ProgressCallback, RunOptions, RunOutput, WorkerApi } from './protocol.ts';
export { createAtlasClient, createBrowserClient, type WorkerLike } from './client.ts';
export { cpuKernels } from './kernels/cpu.ts';
export { createWasmKernels, WASM_BACKEND, type WasmKernels } from './kernels/wasm-simd.ts';
export { createWasmPool, sharedMemoryAvailable, type WasmPool } from './kernels/wasm/pool.ts';
export { wasmSimdSupported } from './kernels/wasm/instance.ts';
export { selectKernels, verifyPool, type KernelSelection, type SelectOptions } from './kernels/select.ts';
export { guardKernels } from './kernels/guard.ts';
export {
  CALIBRATION_SHAPES,
  bucketOf,
  calibrate,
  chooseRoute,
  fastestPath,
  routeKernels,
  type CalibrationEntry,
  type CallShape,
  type KernelPath,
  type RoutingReport,
} from './kernels/route.ts';
export { checkAgainstReference } from './kernels/check.ts';
export { reviveError, serializeError } from './wire-errors.ts';
export { WasmDenoiser, WasmNormals, wasmModule } from './kernels/wasm/instance.ts';
export { transferablesOf } from './transferables.ts';
export { MNIST_PIXELS, decodeMnistBytes, encodeMnistBytes } from './data/mnist-format.ts';
export { decodeEarthquakes, type CompactEarthquakes, type EarthquakeSet } from './data/earthquakes-format.ts';
export { browserEarthquakes } from './data/earthquakes-browser.ts';
