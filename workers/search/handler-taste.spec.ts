import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { getProfile, modelKey } from '../../src/core/manifest';
import { saveAdapter } from '../../src/core/store/adapter-store';
import { openLibraryDb } from '../../src/core/store/db';
import { normalize } from '../../src/core/vectors';
import { identityAdapter } from '../tuning/adapter';
import { encodeAdapter } from '../tuning/adapter-codec';
import { DEFAULT_TRAIN_SETTINGS, type TrainSummary } from '../tuning/protocol';
import { gaussian, mulberry32 } from '../tuning/random';
import { SearchHandler } from './handler';
import { DEFAULT_RANK } from './protocol';

const { clip } = getProfile('tiny-world');
const model = modelKey(clip);
const dim = clip.embeddingSize;

describe('search with a taste head (issue 22)', () => {
  it('reorders the relevant results toward the taste, and "none" gives the base order back', async () => {
    const db = await openLibraryDb('search-handler-taste-spec');
    const normal = gaussian(mulberry32(3));
    const noise = () => Float32Array.from({ length: dim }, normal);
    // Photo 1 is the query; photos 2–9 are near it (relevant), 10–40 are not. Photo 9, the
    // least similar relevant one, carries the taste direction t.
    const q = normalize(noise());
    const t = normalize(noise());
    const near = (k: number, extra = 0) =>
      normalize(q.map((x, j) => x + (0.25 + 0.05 * k) * noise()[j]! * 0.1 + extra * t[j]!));
    const rows = [q, ...Array.from({ length: 7 }, (_, k) => near(k)), near(8, 0.4)];
    while (rows.length < 40) rows.push(normalize(noise()));
    const vectors = new Float32Array(rows.length * dim);
    rows.forEach((r, i) => vectors.set(r, i * dim));
    const ids = Uint32Array.from(rows, (_, i) => i + 1);
    await db.add('blocks', { model, dim, ids, vectors });

    const handler = new SearchHandler(() => Promise.resolve(db));
    handler.useProfile('tiny-world');
    const options = { limit: 40, rank: DEFAULT_RANK };
    const base = (await handler.searchSimilar(1, options)).hits.map((h) => h.id);
    expect(base.slice(0, 8).sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    expect(base.indexOf(9)).toBeGreaterThan(0);

    const summary: TrainSummary = {
      baseModel: model,
      settings: { ...DEFAULT_TRAIN_SETTINGS, rank: 2 },
      trainPairs: 1,
      validationPairs: 0,
      droppedPairs: 0,
      queries: 1,
      epochs: 1,
      bestEpoch: 1,
      steps: 1,
      stoppedEarly: false,
      trainLoss: 0,
      validationLoss: 0,
      validationAccuracy: 1,
      baseValidationAccuracy: 0.5,
      durationMs: 1,
      head: { w: Array.from(t), lambda: 0.1, l2: 1, pairs: 1 },
    };
    const bytes = encodeAdapter(identityAdapter(model, dim, 2), summary);
    await saveAdapter(db, { baseModel: model, createdAt: 1, bytes, label: 'taste' });
    const res = await handler.searchSimilar(1, options);
    const tasted = res.hits.map((h) => h.id);
    // The photo the taste likes comes first; nothing irrelevant enters the relevant eight.
    expect(tasted[0]).toBe(9);
    expect(tasted.slice(0, 8).sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    const none = await handler.searchSimilar(1, { ...options, adapter: 'none' });
    expect(none.hits.map((h) => h.id)).toEqual(base);
    db.close();
  });
});
