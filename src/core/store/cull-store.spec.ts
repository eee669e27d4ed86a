import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import {
  CULL_PAIRS_PER_GROUP,
  CULL_PAIRS_PER_KEEPER,
  cullPairsOf,
  exportRows,
  listDecisions,
  restoreDecisions,
  setDecisions,
  toCsv,
  toJson,
  type CullDecision,
} from './cull-store';
import { openLibraryDb, type LumenDb } from './db';
import { listPairs } from './preference-store';
import { createTaste, CULL_QUERY, setActiveTaste } from './taste-store';

let n = 0;
const fresh = () => openLibraryDb(`cull-store-${++n}`);
const M = 'tiny-world@3';

async function addPhotos(db: LumenDb, paths: string[]): Promise<void> {
  for (const [i, path] of paths.entries()) {
    await db.put('photos', {
      id: i + 1,
      path,
      name: path.split('/').pop()!,
      size: 1,
      lastModified: 0,
      width: 1,
      height: 1,
      hash: `h${i}`,
      mime: 'image/jpeg',
      addedAt: 0,
      vectors: {},
    });
  }
}

const pairsOf = async (db: LumenDb, taste = 'default') =>
  (await listPairs(db, M, taste))
    .filter((p) => p.origin === 'chosen')
    .map((p) => [p.winner, p.loser, p.queryText]);

describe('culling decisions', () => {
  it('stores decisions that make keeper ≻ rejected pairs for the active taste', async () => {
    const db = await fresh();
    const night = await createTaste(db, 'Night');
    await setActiveTaste(db, night.id);
    const group = { id: 'moment-1', members: [1, 2, 3] };
    await setDecisions(db, M, group, [
      { photoId: 1, decision: 'keep' },
      { photoId: 2, decision: 'reject' },
      { photoId: 3, decision: 'reject' },
    ]);
    const stored = await listDecisions(db);
    expect([...stored.values()].map((r) => [r.photoId, r.decision, r.group])).toEqual([
      [1, 'keep', 'moment-1'],
      [2, 'reject', 'moment-1'],
      [3, 'reject', 'moment-1'],
    ]);
    expect(await pairsOf(db, night.id)).toEqual([
      [1, 2, CULL_QUERY],
      [1, 3, CULL_QUERY],
    ]);
    // The default taste learnt nothing from culling done under another taste.
    expect(await pairsOf(db)).toEqual([]);
  });

  it('undo takes back a decision and its pairs, and puts back what it replaced', async () => {
    const db = await fresh();
    const group = { id: 'copy-1', members: [1, 2, 3] };
    await setDecisions(db, M, group, [{ photoId: 1, decision: 'keep' }]);
    const undoReject = await setDecisions(db, M, group, [{ photoId: 2, decision: 'reject' }]);
    expect(await pairsOf(db)).toEqual([[1, 2, CULL_QUERY]]);
    await restoreDecisions(db, M, group, undoReject);
    expect((await listDecisions(db)).has(2)).toBe(false);
    expect(await pairsOf(db)).toEqual([]);

    // Changing one's mind: 2 kept after being rejected turns the pair round; undo turns it back.
    await setDecisions(db, M, group, [{ photoId: 2, decision: 'reject' }]);
    const undoFlip = await setDecisions(db, M, group, [
      { photoId: 2, decision: 'keep' },
      { photoId: 1, decision: 'reject' },
    ]);
    expect(await pairsOf(db)).toEqual([[2, 1, CULL_QUERY]]);
    await restoreDecisions(db, M, group, undoFlip);
    expect(await pairsOf(db)).toEqual([[1, 2, CULL_QUERY]]);
    expect((await listDecisions(db)).get(1)?.decision).toBe('keep');
  });

  it('caps the pairs of a huge burst, preferring the rejected frames nearest the top', () => {
    const members = Array.from({ length: 30 }, (_, i) => i + 1);
    const decisions = new Map<number, CullDecision>(
      members.map((id) => [id, id <= 3 ? 'keep' : 'reject']),
    );
    const pairs = cullPairsOf({ id: 'moment-1', members }, decisions);
    expect(pairs).toHaveLength(CULL_PAIRS_PER_GROUP);
    for (const keeper of [1, 2, 3]) {
      expect(pairs.filter((p) => p.winner === keeper).length).toBeLessThanOrEqual(
        CULL_PAIRS_PER_KEEPER,
      );
    }
    expect(Math.max(...pairs.map((p) => p.loser))).toBeLessThanOrEqual(3 + CULL_PAIRS_PER_KEEPER);
    // One keeper: five pairs, with the five best rejected frames.
    const one = cullPairsOf(
      { id: 'm', members },
      new Map([[1, 'keep'], ...members.slice(1).map((id) => [id, 'reject'] as const)]),
    );
    expect(one.map((p) => p.loser)).toEqual([2, 3, 4, 5, 6]);
  });

  it('exports path, group and decision as CSV and JSON', async () => {
    const db = await fresh();
    await addPhotos(db, ['trip/a.jpg', 'trip/b, "copy".jpg']);
    const group = { id: 'copy-1', members: [1, 2] };
    await setDecisions(db, M, group, [
      { photoId: 1, decision: 'keep' },
      { photoId: 2, decision: 'reject' },
    ]);
    const rows = await exportRows(db);
    expect(toCsv(rows)).toBe(
      'path,group,decision\ntrip/a.jpg,copy-1,keep\n"trip/b, ""copy"".jpg",copy-1,reject\n',
    );
    expect((JSON.parse(toJson(rows)) as { decisions: unknown }).decisions).toEqual([
      { path: 'trip/a.jpg', group: 'copy-1', decision: 'keep' },
      { path: 'trip/b, "copy".jpg', group: 'copy-1', decision: 'reject' },
    ]);
  });
});
