import type { ResultValue } from '@diffusion-atlas/core';

/**
 * Every ArrayBuffer behind the typed arrays of a result, once each: two views of one buffer must
 * not list it twice (postMessage rejects duplicates). Transferring moves the memory instead of
 * copying it, so a result must own its buffers: an experiment that returned a view into a cache it
 * keeps would find that cache detached on the next run.
 */
export function transferablesOf(value: ResultValue): ArrayBuffer[] {
  const found = new Set<ArrayBuffer>();
  collect(value, found);
  return [...found];
}

function collect(value: ResultValue, found: Set<ArrayBuffer>): void {
  if (value === null || typeof value !== 'object') return;
  if (ArrayBuffer.isView(value)) {
    // SharedArrayBuffers are shared, not transferred
    if (value.buffer instanceof ArrayBuffer && value.buffer.byteLength > 0) found.add(value.buffer);
    return;
  }
  if (Array.isArray(value)) {
    for (const item of value as readonly ResultValue[]) collect(item, found);
    return;
  }
  for (const item of Object.values(value)) collect(item, found);
}
