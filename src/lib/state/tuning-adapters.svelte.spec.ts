import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_TRAIN_SETTINGS, type AdapterInfo } from '../../../workers/tuning/protocol';
import { TuningAdapters, type AdaptersClient } from './tuning-adapters.svelte';

const pairsByOrigin = { auto: 10, liked: 0, chosen: 0 };
const info = (id: number, createdAt: number): AdapterInfo => ({
  id,
  createdAt,
  baseModel: 'm@1',
  label: `#${id}`,
  pairsByOrigin,
  summary: {
    baseModel: 'm@1',
    settings: DEFAULT_TRAIN_SETTINGS,
    trainPairs: 9,
    validationPairs: 1,
    droppedPairs: 0,
    queries: 1,
    epochs: 1,
    bestEpoch: 1,
    steps: 1,
    stoppedEarly: false,
    trainLoss: 1,
    validationLoss: 1,
    validationAccuracy: 1,
    baseValidationAccuracy: 1,
    durationMs: 1,
    pairsByOrigin,
  },
});

function setup(overrides: Partial<AdaptersClient> = {}) {
  let active: number | null = 2;
  let stored = [info(2, Date.UTC(2025, 0, 31, 12)), info(1, 0)];
  const client: AdaptersClient = {
    listAdapters: vi.fn(() => Promise.resolve(stored)),
    activeAdapter: vi.fn(() => Promise.resolve(active)),
    setActiveAdapter: vi.fn((_p: string, id: number | null) => {
      active = id;
      return Promise.resolve();
    }),
    deleteAdapter: vi.fn((id: number) => {
      stored = stored.filter((a) => a.id !== id);
      if (active === id) active = null;
      return Promise.resolve();
    }),
    exportAdapter: vi.fn(() => Promise.resolve(new Uint8Array([1, 2, 3]))),
    importAdapter: vi.fn(() => Promise.resolve(info(3, 5))),
    ...overrides,
  };
  const refreshSearch = vi.fn(() => Promise.resolve());
  const adapters = new TuningAdapters({ client, profileId: 'p', refreshSearch });
  return { adapters, client, refreshSearch };
}

describe('tuned models', () => {
  it('switching base ↔ tuned stores the choice and re-runs the search', async () => {
    const { adapters, client, refreshSearch } = setup();
    await adapters.refresh();
    expect(adapters.active?.id).toBe(2);
    await adapters.use(null);
    expect(client.setActiveAdapter).toHaveBeenLastCalledWith('p', null);
    expect(adapters.activeId).toBeNull();
    await adapters.use(1);
    expect(client.setActiveAdapter).toHaveBeenLastCalledWith('p', 1);
    expect(adapters.active?.label).toBe('#1');
    expect(refreshSearch).toHaveBeenCalledTimes(2);
  });

  it('a refused switch shows why and keeps the stored choice', async () => {
    const { adapters, refreshSearch } = setup({
      setActiveAdapter: () => Promise.reject(new Error('That tuned model is no longer stored.')),
    });
    await adapters.refresh();
    await adapters.use(1);
    expect(adapters.error).toMatch(/no longer stored/);
    expect(adapters.activeId).toBe(2);
    expect(refreshSearch).not.toHaveBeenCalled();
  });

  it('deleting the active model falls back to base and re-runs the search', async () => {
    const { adapters, refreshSearch } = setup();
    await adapters.refresh();
    await adapters.remove(2);
    expect(adapters.adapters.map((a) => a.id)).toEqual([1]);
    expect(adapters.activeId).toBeNull();
    expect(refreshSearch).toHaveBeenCalledTimes(1);
  });

  it('exports under a dated .lmna name', async () => {
    const { adapters } = setup();
    await adapters.refresh();
    const file = await adapters.exportFile(2);
    expect(file?.name).toMatch(/^lumen-adapter-2025-01-3\d-\d{4}\.lmna$/);
    expect(Array.from(file!.bytes)).toEqual([1, 2, 3]);
  });

  it('a refused import shows the worker’s reason and changes nothing', async () => {
    const { adapters, refreshSearch } = setup({
      importAdapter: () =>
        Promise.reject(new Error('This adapter was trained for x@1. Nothing was changed.')),
    });
    await adapters.refresh();
    await adapters.importFile(new Uint8Array(4));
    expect(adapters.error).toMatch(/^That file was not imported\. .*Nothing was changed\.$/);
    expect(adapters.activeId).toBe(2);
    expect(refreshSearch).not.toHaveBeenCalled();
  });

  it('a good import is listed, used and searched with', async () => {
    const { adapters, refreshSearch } = setup();
    await adapters.importFile(new Uint8Array(4));
    expect(adapters.message).toMatch(/^Imported and in use: #3/);
    expect(refreshSearch).toHaveBeenCalledTimes(1);
  });

  it('a retrain leaves the shown results in their order until the person asks', async () => {
    const { adapters, refreshSearch } = setup();
    await adapters.trained();
    expect(refreshSearch).not.toHaveBeenCalled();
    expect(adapters.newOrderWaiting).toBe(true);
    await adapters.showNewOrder();
    expect(refreshSearch).toHaveBeenCalledTimes(1);
    expect(adapters.newOrderWaiting).toBe(false);
    await adapters.trained();
    adapters.searched();
    expect(adapters.newOrderWaiting).toBe(false);
  });
});
