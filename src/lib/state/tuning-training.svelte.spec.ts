import { describe, expect, it, vi } from 'vitest';
import type { AdapterInfo, TrainProgress, TrainSummary } from '../../../workers/tuning/protocol';
import { DEFAULT_TRAIN_SETTINGS } from '../../../workers/tuning/protocol';
import { TuningTraining, type TrainClient } from './tuning-training.svelte';

const summary: TrainSummary = {
  baseModel: 'm@1',
  settings: DEFAULT_TRAIN_SETTINGS,
  trainPairs: 90,
  validationPairs: 10,
  droppedPairs: 0,
  queries: 3,
  epochs: 3,
  bestEpoch: 3,
  steps: 9,
  stoppedEarly: false,
  trainLoss: 0.4,
  validationLoss: 0.45,
  validationAccuracy: 0.8,
  baseValidationAccuracy: 0.5,
  durationMs: 10,
};
const adapter: AdapterInfo = {
  id: 7,
  baseModel: 'm@1',
  createdAt: 1,
  label: 'x',
  summary,
  pairsByOrigin: { auto: 100, liked: 0, chosen: 0 },
};
const epoch = (n: number): TrainProgress => ({
  epoch: n,
  step: n * 3,
  trainLoss: 1 / n,
  validationLoss: 1.1 / n,
  validationAccuracy: 0.5 + n / 10,
});

function setup(train: TrainClient['train']) {
  const onTrained = vi.fn(() => Promise.resolve());
  const embed = vi.fn(() => Promise.resolve([{ text: 'q', embedding: new Float32Array(2) }]));
  const training = new TuningTraining({
    client: { train: vi.fn(train) },
    profileId: 'p',
    maxEpochs: 20,
    embedPairQueries: embed,
    onTrained,
  });
  return { training, onTrained, embed };
}

describe('training', () => {
  it('collects one progress entry per epoch and hands the adapter on', async () => {
    const { training, onTrained } = setup((request, onProgress) => {
      expect(request.queries.map((q) => q.text)).toEqual(['q']);
      for (let n = 1; n <= 3; n++) onProgress(epoch(n));
      return Promise.resolve(adapter);
    });
    const result = await training.train();
    expect(result).toBe(adapter);
    expect(training.history.map((p) => p.epoch)).toEqual([1, 2, 3]);
    expect(training.latest?.validationAccuracy).toBeCloseTo(0.8);
    expect(training.running).toBe(false);
    expect(training.message).toMatch(/100 pairs in 3 epochs.*80%.*base model 50%/);
    expect(onTrained).toHaveBeenCalledWith(adapter);
  });

  it('cancel aborts the worker call, and nothing is reported as stored', async () => {
    let seen: AbortSignal | undefined;
    const { training, onTrained } = setup(
      (_request, onProgress, signal) =>
        new Promise((_resolve, reject) => {
          seen = signal;
          onProgress(epoch(1));
          signal?.addEventListener('abort', () => reject(new Error('Training was cancelled')));
        }),
    );
    const run = training.train();
    await vi.waitFor(() => expect(training.phase).toBe('training'));
    training.cancel();
    expect(await run).toBeNull();
    expect(seen?.aborted).toBe(true);
    expect(onTrained).not.toHaveBeenCalled();
    expect(training.error).toBeNull();
    expect(training.message).toBe('Training cancelled; nothing was stored.');
  });

  it('a failure is shown and training can start again', async () => {
    const train = vi
      .fn<TrainClient['train']>()
      .mockRejectedValueOnce(new Error('There are no preference pairs yet'))
      .mockResolvedValue(adapter);
    const { training } = setup(train);
    expect(await training.train()).toBeNull();
    expect(training.error).toMatch(/no preference pairs/);
    expect(await training.train()).toBe(adapter);
    expect(training.error).toBeNull();
  });
});
