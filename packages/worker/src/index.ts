export type { AtlasClient, AtlasTestableClient, BackendReport, ProgressCallback, RunOutput, WorkerApi } from './protocol.ts';
export { createAtlasClient, createBrowserClient, type WorkerLike } from './client.ts';
export { cpuKernels } from './kernels/cpu.ts';
export { selectKernels, type KernelSelection, type SelectOptions } from './kernels/select.ts';
export { guardKernels } from './kernels/guard.ts';
export { checkAgainstReference } from './kernels/check.ts';
export { reviveError, serializeError } from './wire-errors.ts';
