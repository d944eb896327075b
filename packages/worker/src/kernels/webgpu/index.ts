// The WebGPU path's public surface (package export './webgpu'): browser-only, loaded on demand.
export { requestWebGpuDevice, type WebGpuDeviceChoice } from './adapter.ts';
export { WebGpuDenoiser } from './denoiser.ts';
export { createWebGpuKernels, type WebGpuKernelOptions, type WebGpuKernels } from './kernels.ts';
export { NOISE_WGSL } from './noise-wgsl.ts';
