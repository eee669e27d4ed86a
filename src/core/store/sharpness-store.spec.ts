import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openLibraryDb } from './db';
import { readSubjectSharpness, writeSubjectSharpness } from './sharpness-store';

let n = 0;
const freshDb = () => openLibraryDb(`sharpness-${++n}`);

describe('sharpness store', () => {
  it('reads the latest figure of each photo, of the asked version only', async () => {
    const db = await freshDb();
    expect(await readSubjectSharpness(db, 1)).toEqual(new Map());
    await writeSubjectSharpness(db, 1, [
      { id: 1, value: 10 },
      { id: 2, value: 20 },
    ]);
    await writeSubjectSharpness(db, 1, [{ id: 2, value: 25 }]);
    await writeSubjectSharpness(db, 2, [{ id: 1, value: 99 }]);
    expect(await readSubjectSharpness(db, 1)).toEqual(new Map([[2, 25]]));
    expect(await readSubjectSharpness(db, 2)).toEqual(new Map([[1, 99]]));
    db.close();
  });
});
