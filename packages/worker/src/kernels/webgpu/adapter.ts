/** A WebGPU device and what is known of the adapter behind it. */
export interface WebGpuDeviceChoice {
  device: GPUDevice;
  /** vendor / architecture / description, for the backend report. */
  adapterName: string;
  /** A software or fallback adapter (SwiftShader, WARP, llvmpipe): correct, but slower than the CPU kernels. */
  software: boolean;
}

const SOFTWARE_ADAPTER = /swiftshader|llvmpipe|lavapipe|softpipe|warp|software|basic render/i;

/**
 * Asks `navigator.gpu` for an adapter and a device; a reason instead where this runtime has none
 * (Node, a browser without WebGPU or with it disabled, a blocklisted GPU).
 */
export async function requestWebGpuDevice(): Promise<WebGpuDeviceChoice | { reason: string }> {
  const gpu = typeof navigator === 'object' && 'gpu' in navigator ? navigator.gpu : undefined;
  if (gpu === undefined) return { reason: 'no WebGPU in this runtime (navigator.gpu is absent)' };
  let adapter: GPUAdapter | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (error) {
    return { reason: `WebGPU adapter request failed: ${String(error)}` };
  }
  if (adapter === null) return { reason: 'WebGPU gave no adapter (disabled, blocklisted or no usable GPU)' };
  const info = adapter.info;
  const adapterName = [info.vendor, info.architecture, info.description].filter((s) => s !== '').join(' ') || 'unknown adapter';
  // isFallbackAdapter moved from the adapter to its info; older engines have only the former
  const legacy = (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter;
  const software = info.isFallbackAdapter === true || legacy === true || SOFTWARE_ADAPTER.test(adapterName);
  try {
    // the defaults (128 MiB per binding) would refuse a large training set the adapter can hold
    const { maxStorageBufferBindingSize, maxBufferSize } = adapter.limits;
    const device = await adapter.requestDevice({ requiredLimits: { maxStorageBufferBindingSize, maxBufferSize } });
    return { device, adapterName, software };
  } catch (error) {
    return { reason: `WebGPU device request failed on ${adapterName}: ${String(error)}` };
  }
}
