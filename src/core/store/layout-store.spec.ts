import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { LAYOUT_BYTES } from '../colour-layout';
import { openLibraryDb } from './db';
import { readColourLayouts, writeColourLayouts } from './layout-store';

let n = 0;
const freshDb = () => openLibraryDb(`layouts-${++n}`);
const layout = (v: number) => new Uint8Array(LAYOUT_BYTES).fill(v);

describe('layout store', () => {
  it('reads the latest layout of each photo, of the asked version only', async () => {
    const db = await freshDb();
    expect(await readColourLayouts(db, 1)).toEqual(new Map());
    await writeColourLayouts(db, 1, [
      { id: 1, layout: layout(10) },
      { id: 2, layout: layout(20) },
    ]);
    await writeColourLayouts(db, 1, [{ id: 2, layout: layout(25) }]);
    await writeColourLayouts(db, 2, [{ id: 1, layout: layout(99) }]);
    const v1 = await readColourLayouts(db, 1);
    expect([...v1.keys()]).toEqual([2]);
    expect(Array.from(v1.get(2)!)).toEqual(Array.from(layout(25)));
    expect(Array.from((await readColourLayouts(db, 2)).get(1)!)).toEqual(Array.from(layout(99)));
    db.close();
  });

  it('skips a layout of the wrong size and writes nothing for no rows', async () => {
    const db = await freshDb();
    await writeColourLayouts(db, 1, []);
    await writeColourLayouts(db, 1, [{ id: 3, layout: new Uint8Array(5) }]);
    expect(await readColourLayouts(db, 1)).toEqual(new Map());
    expect(await db.get('meta', 'colourLayoutNext')).toBeUndefined();
    db.close();
  });
});
