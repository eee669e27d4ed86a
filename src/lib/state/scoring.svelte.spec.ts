import { describe, expect, it, vi } from 'vitest';
import type { ScoringProgress } from '../../../workers/aesthetics/protocol';
import {
  ScoringManager,
  type PromptEmbedder,
  type PromptStore,
  type ScoringClient,
} from './scoring.svelte';

const crashed = new Error('The aesthetics worker stopped unexpectedly (crash).');
const done = (total: number): ScoringProgress => ({ state: 'done', done: total, total });

function setup(
  score: ScoringClient['score'],
  embedTexts?: PromptEmbedder['embedTexts'],
  store?: PromptStore,
) {
  const models = {
    textModel: vi.fn(() =>
      Promise.resolve({ device: 'wasm' as const, model: 't', dim: 2, threads: 1 }),
    ),
    forget: vi.fn(),
  };
  const embedder: PromptEmbedder = {
    embedTexts: vi.fn(
      embedTexts ?? ((texts: string[]) => Promise.resolve(texts.map(() => new Float32Array(2)))),
    ),
  };
  const onScored = vi.fn(() => Promise.resolve());
  const client: ScoringClient = { score: vi.fn(score) };
  const scoring = new ScoringManager(
    client,
    embedder,
    models,
    { profileId: 'p', appBase: 'http://x/' },
    onScored,
    store,
  );
  return { scoring, models, embedder, client, onScored };
}

describe('scoring manager', () => {
  it('a worker dying mid-score leaves scoring stopped with the reason, and it can start again', async () => {
    const { scoring, client, onScored } = setup(
      vi.fn<ScoringClient['score']>().mockRejectedValueOnce(crashed).mockResolvedValue(done(3)),
    );
    await scoring.scoreLibrary();
    expect(scoring.running).toBe(false);
    expect(scoring.progress).toBeNull();
    expect(scoring.error).toMatch(/unavailable: The aesthetics worker stopped/);
    expect(onScored).not.toHaveBeenCalled();

    await scoring.scoreLibrary();
    expect(client.score).toHaveBeenCalledTimes(2);
    expect(scoring.error).toBeNull();
    expect(scoring.progress).toEqual(done(3));
    expect(onScored).toHaveBeenCalledTimes(1);
  });

  it('a lost text tower is forgotten and the prompts are embedded again next time', async () => {
    const embed = vi
      .fn<PromptEmbedder['embedTexts']>()
      .mockRejectedValueOnce(new Error('The search worker stopped unexpectedly (crash).'))
      .mockImplementation((texts) => Promise.resolve(texts.map(() => new Float32Array(2))));
    const { scoring, models, client } = setup(() => Promise.resolve(done(0)), embed);
    await scoring.scoreLibrary();
    expect(models.forget).toHaveBeenCalledWith('text');
    expect(client.score).not.toHaveBeenCalled();
    await scoring.scoreLibrary();
    expect(embed).toHaveBeenCalledTimes(2);
    expect(client.score).toHaveBeenCalledTimes(1);
  });

  it('a call while scoring runs is folded into one more pass afterwards', async () => {
    let finish: (p: ScoringProgress) => void = () => undefined;
    const score = vi
      .fn<ScoringClient['score']>()
      .mockImplementationOnce(() => new Promise((resolve) => (finish = resolve)))
      .mockResolvedValue(done(0));
    const { scoring, client } = setup(score);
    const first = scoring.scoreLibrary();
    await vi.waitFor(() => expect(client.score).toHaveBeenCalledTimes(1));
    expect(scoring.running).toBe(true);
    await scoring.scoreLibrary();
    await scoring.scoreLibrary();
    finish(done(2));
    await first;
    expect(client.score).toHaveBeenCalledTimes(2);
    expect(scoring.running).toBe(false);
  });

  it('prompts embedded once are kept: the next visit scores without loading the text tower', async () => {
    let kept: Float32Array[] | undefined;
    const store: PromptStore = {
      load: vi.fn((count: number) => Promise.resolve(kept?.length === count ? kept : undefined)),
      save: vi.fn((vectors: Float32Array[]) => Promise.resolve(void (kept = vectors))),
    };
    const embed = (texts: string[]) =>
      Promise.resolve(texts.map((_, i) => new Float32Array([i, 1])));
    const first = setup(() => Promise.resolve(done(2)), embed, store);
    await first.scoring.scoreLibrary();
    expect(first.models.textModel).toHaveBeenCalledTimes(1);
    expect(kept?.length).toBeGreaterThan(0);

    const visit = setup(() => Promise.resolve(done(0)), embed, store);
    await visit.scoring.scoreLibrary();
    expect(visit.models.textModel).not.toHaveBeenCalled();
    expect(visit.embedder.embedTexts).not.toHaveBeenCalled();
    expect(vi.mocked(visit.client.score).mock.calls[0]![0].prompts).toEqual(kept);
  });

  it('a store that cannot be read or written only costs the text tower load', async () => {
    const store: PromptStore = {
      load: () => Promise.reject(new Error('IndexedDB is unavailable')),
      save: () => Promise.reject(new Error('QuotaExceededError')),
    };
    const { scoring, models, client } = setup(() => Promise.resolve(done(1)), undefined, store);
    await scoring.scoreLibrary();
    expect(models.textModel).toHaveBeenCalledTimes(1);
    expect(client.score).toHaveBeenCalledTimes(1);
    expect(scoring.error).toBeNull();
  });
});
