import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openLibraryDb } from './db';
import { IMPORTED_KEY, idRanges, importedRanges, inRanges } from './imported-photos';

describe('imported photo ranges', () => {
  it('merges ids into sorted runs and finds ids in them', () => {
    const ranges = idRanges([7, 3, 4, 5, 12, 6, 13, 20]);
    expect(ranges).toEqual([
      { from: 3, to: 7 },
      { from: 12, to: 13 },
      { from: 20, to: 20 },
    ]);
    for (const id of [3, 5, 7, 12, 13, 20]) expect(inRanges(ranges, id)).toBe(true);
    for (const id of [0, 2, 8, 11, 14, 19, 21]) expect(inRanges(ranges, id)).toBe(false);
    expect(idRanges([])).toEqual([]);
    expect(inRanges([], 1)).toBe(false);
  });

  it('reads what an import stored, and nothing from a malformed record', async () => {
    const db = await openLibraryDb('imported-photos-spec');
    expect(await importedRanges(db)).toEqual([]);
    await db.put('meta', [{ from: 1, to: 9 }], IMPORTED_KEY);
    expect(await importedRanges(db)).toEqual([{ from: 1, to: 9 }]);
    await db.put('meta', [{ from: 'a' }], IMPORTED_KEY);
    expect(await importedRanges(db)).toEqual([]);
    db.close();
  });
});
