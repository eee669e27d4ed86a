import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Device } from '../../src/core/manifest';
import { loadOnBestDevice } from './device';

const withAdapter = (adapter: object | null) =>
  vi.stubGlobal('navigator', { gpu: { requestAdapter: () => Promise.resolve(adapter) } });

/** A load that fails on the devices listed and records every device it was tried on. */
function loader(failsOn: Device[]) {
  const tried: Device[] = [];
  const load = (device: Device) => {
    tried.push(device);
    return failsOn.includes(device)
      ? Promise.reject(new Error(`no ${device}`))
      : Promise.resolve(`model on ${device}`);
  };
  return { tried, load };
}

describe('loading on the best device', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('prefers WebGPU when the browser has an adapter', async () => {
    withAdapter({});
    const { tried, load } = loader([]);
    expect(await loadOnBestDevice('auto', load)).toEqual({
      loaded: 'model on webgpu',
      device: 'webgpu',
    });
    expect(tried).toEqual(['webgpu']);
  });

  it('falls back to WASM when a preferred WebGPU load fails', async () => {
    withAdapter({});
    const { tried, load } = loader(['webgpu']);
    expect(await loadOnBestDevice('auto', load)).toEqual({
      loaded: 'model on wasm',
      device: 'wasm',
    });
    expect(tried).toEqual(['webgpu', 'wasm']);
  });

  it('reports the failure when WebGPU was asked for explicitly', async () => {
    withAdapter({});
    const { tried, load } = loader(['webgpu']);
    await expect(loadOnBestDevice('webgpu', load)).rejects.toThrow('no webgpu');
    expect(tried).toEqual(['webgpu']);
  });

  it('uses WASM without a second try when there is no adapter, and fails when WASM fails', async () => {
    withAdapter(null);
    const ok = loader([]);
    expect((await loadOnBestDevice('auto', ok.load)).device).toBe('wasm');
    const broken = loader(['wasm']);
    await expect(loadOnBestDevice('auto', broken.load)).rejects.toThrow('no wasm');
    expect(broken.tried).toEqual(['wasm']);
    await expect(loadOnBestDevice('webgpu', ok.load)).rejects.toThrow(/no adapter/);
  });
});
