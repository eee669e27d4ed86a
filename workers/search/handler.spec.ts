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
});
