import type { Device } from '../../src/core/manifest';

interface GpuNavigator {
  gpu?: { requestAdapter(): Promise<object | null> };
}

/** WebGPU when the browser offers an adapter, WASM otherwise. */
export async function pickDevice(requested: Device | 'auto'): Promise<Device> {
  if (requested === 'wasm') return 'wasm';
  const gpu = (globalThis.navigator as (typeof globalThis.navigator & GpuNavigator) | undefined)
    ?.gpu;
  const adapter = gpu ? await gpu.requestAdapter().catch(() => null) : null;
  if (adapter) return 'webgpu';
  if (requested === 'webgpu')
    throw new Error('WebGPU was requested but this browser offers no adapter.');
  return 'wasm';
}

/**
 * Loads on the best device. Some adapters lack an operator a model needs, so a WebGPU load
 * that was only preferred ("auto") is retried on WASM, which always works; one the person
 * asked for explicitly fails as it is.
 */
export async function loadOnBestDevice<T>(
  requested: Device | 'auto',
  load: (device: Device) => Promise<T>,
): Promise<{ loaded: T; device: Device }> {
  const device = await pickDevice(requested);
  try {
    return { loaded: await load(device), device };
  } catch (e) {
    if (device !== 'webgpu' || requested === 'webgpu') throw e;
    return { loaded: await load('wasm'), device: 'wasm' };
  }
}
