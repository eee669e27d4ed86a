import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { getProfile } from '../../src/core/manifest';
import { openLibraryDb, type ScoreRecord } from '../../src/core/store/db';
import { legacyScoreCount, writeScores } from '../../src/core/store/score-store';
import { scorerKey } from '../aesthetics/scorer';
import { SearchHandler } from './handler';

const key = scorerKey(getProfile('tiny-world'));
const pairs = ['quality', 'beauty'];
const scores = (id: number) => ({
  laion: 1 + ((id * 37) % 11),
  clipIqa: { quality: ((id * 13) % 7) / 7, beauty: ((id * 5) % 9) / 9 },
});

describe('search handler scores', () => {
  it('repacks an older library’s scores with the vectors, and shows the same best shots', async () => {
    const db = await openLibraryDb('search-handler-scores-spec');
    for (let id = 1; id <= 40; id++) {
      const record: ScoreRecord = { id, models: { [key]: scores(id) } };
      await db.put('scores', record);
    }
    const handler = new SearchHandler(() => Promise.resolve(db));
    handler.useProfile('tiny-world');
    const best = async () => {
      const res = await handler.browse({ order: 'beauty', minBeauty: 0 });
      return res.hits.map((h) => [h.id, h.aesthetic!.combined]);
    };
    const before = await best();
    expect(before).toHaveLength(40);

    const progress: string[] = [];
    await handler.compactLibrary((p) => progress.push(`${p.done}/${p.total}`));
    expect(progress.at(-1)).toBe('40/40');
    expect(await legacyScoreCount(db)).toBe(0);
    expect(await best()).toEqual(before);

    // New scores reach the open index without a rebuild, and rank as they should.
    const tx = db.transaction(['scores', 'meta', 'blocks'], 'readwrite');
    await writeScores(tx, [
      {
        id: 41,
        key,
        pairs,
        pixelVersion: 0,
        model: { laion: 100, clipIqa: { quality: 1, beauty: 1 } },
      },
    ]);
    await tx.done;
    const after = await best();
    expect(after).toHaveLength(41);
    expect(after[0]).toEqual([41, 1]);
    db.close();
  });
});
