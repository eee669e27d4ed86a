import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { getProfile, modelKey } from '../../src/core/manifest';
import { openLibraryDb, type ScoreRecord } from '../../src/core/store/db';
import { scorerKey } from '../aesthetics/scorer';
import { SearchHandler } from './handler';

const key = scorerKey(getProfile('tiny-world'));
const scored = (id: number): ScoreRecord => ({
  id,
  models: { [key]: { laion: id, clipIqa: { quality: 0.5 } } },
});

describe('search handler', () => {
  it('reloads scores when the library was recreated, even if the version sum is unchanged', async () => {
    const db = await openLibraryDb('search-handler-spec');
    const handler = new SearchHandler(() => Promise.resolve(db));
    handler.useProfile('tiny-world');
    const browse = () => handler.browse({ order: 'beauty', minBeauty: 0 });

    await db.put('meta', 3, 'libraryVersion');
    await db.put('meta', 2, 'scoresVersion');
    await db.put('scores', scored(1));
    expect((await browse()).scored).toBe(1);

    // The library was deleted and built again: both counters restarted, and their sum
    // happens to equal the old one (3 + 2 = 1 + 4).
    await db.clear('scores');
    await db.put('meta', 1, 'libraryVersion');
    await db.put('meta', 4, 'scoresVersion');
    await db.put('scores', scored(7));
    await db.put('scores', scored(8));
    const res = await browse();
    expect(res.scored).toBe(2);
    expect(res.hits.map((h) => h.id)).toEqual([8, 7]);
    db.close();
  });

  it('hands out stored vectors by photo id, null where a photo has none', async () => {
    const db = await openLibraryDb('search-handler-vectors-spec');
    const handler = new SearchHandler(() => Promise.resolve(db));
    handler.useProfile('tiny-world');
    const { clip } = getProfile('tiny-world');
    const dim = clip.embeddingSize;
    const row = (x: number) => Float32Array.from({ length: dim }, (_, i) => (i === x ? 1 : 0));
    const vectors = new Float32Array(2 * dim);
    vectors.set(row(0), 0);
    vectors.set(row(1), dim);
    await db.add('blocks', { model: modelKey(clip), dim, ids: Uint32Array.of(5, 9), vectors });
    const [nine, missing, five] = await handler.photoVectors([9, 3, 5]);
    // Stored float blocks are read through the compact format: int8 with a 2-bit refinement
    // is within an eighth of a step (max |x| / 127 / 8) of every component.
    const close = (got: Float32Array, want: Float32Array) =>
      want.forEach((w, j) => expect(Math.abs(got[j]! - w)).toBeLessThanOrEqual(1 / 127 / 8 + 1e-7));
    close(nine!, row(1));
    expect(missing).toBeNull();
    close(five!, row(0));
    db.close();
  });

  it('keeps the latest browse order and hands out its pages; an older order is gone', async () => {
    const db = await openLibraryDb('search-handler-pages-spec');
    const handler = new SearchHandler(() => Promise.resolve(db));
    handler.useProfile('tiny-world');
    const { clip } = getProfile('tiny-world');
    const dim = clip.embeddingSize;
    const n = 50;
    const vectors = new Float32Array(n * dim).map((_, i) => (i % dim === 0 ? 1 : 0));
    const ids = Uint32Array.from({ length: n }, (_, i) => i + 1);
    await db.add('blocks', { model: modelKey(clip), dim, ids, vectors });
    const first = await handler.browse({ order: 'recent', minBeauty: 0, pageSize: 20 });
    expect(first.paged.total).toBe(n);
    expect(first.hits.map((h) => h.id)).toEqual(Array.from({ length: 20 }, (_, i) => n - i));
    const page = await handler.browsePage(first.paged.ranking, 40, 20);
    expect(page?.map((h) => h.id)).toEqual([10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    const next = await handler.browse({ order: 'recent', minBeauty: 0, pageSize: 5 });
    expect(next.paged.ranking).not.toBe(first.paged.ranking);
    expect(await handler.browsePage(first.paged.ranking, 20, 20)).toBeNull();
    db.close();
  });
});
