import { LAYOUT_BYTES } from '../colour-layout';
import type { LumenDb } from './db';

/**
 * Colour layouts (src/core/colour-layout.ts), measured by the indexer while it decodes a photo,
 * and read by the moments worker to tell copies and moments apart.
 *
 * Stored the way subject sharpness is (sharpness-store.ts), for the same reasons: small packed
 * blocks in the `meta` store (no schema change, so every library opens as before) under keys
 * `colourLayout/<sequence>`, one per indexing batch, each with the layout's version. A later
 * block's row replaces an earlier one's (a photo indexed again); rows of removed photos are left
 * (ids are never reused) and readers keep only the photos they know. Libraries indexed before
 * this have no rows: their photos group by the cosine alone until their files are indexed again.
 */

const PREFIX = 'colourLayout/';
const NEXT_KEY = 'colourLayoutNext';

export interface LayoutBlock {
  version: number;
  ids: Uint32Array;
  /** ids.length × LAYOUT_BYTES. */
  values: Uint8Array;
}

const RANGE = () => IDBKeyRange.bound(PREFIX, `${PREFIX}\uffff`);

function isBlock(v: unknown): v is LayoutBlock {
  if (typeof v !== 'object' || v === null) return false;
  const b = v as Partial<LayoutBlock>;
  return (
    typeof b.version === 'number' &&
    b.ids instanceof Uint32Array &&
    b.values instanceof Uint8Array &&
    b.values.length === b.ids.length * LAYOUT_BYTES
  );
}

export async function writeColourLayouts(
  db: LumenDb,
  version: number,
  rows: readonly { id: number; layout: Uint8Array }[],
): Promise<void> {
  const valid = rows.filter((r) => r.layout.length === LAYOUT_BYTES);
  if (valid.length === 0) return;
  const values = new Uint8Array(valid.length * LAYOUT_BYTES);
  valid.forEach((r, i) => values.set(r.layout, i * LAYOUT_BYTES));
  const tx = db.transaction('meta', 'readwrite');
  const meta = tx.objectStore('meta');
  const next = await meta.get(NEXT_KEY);
  const seq = typeof next === 'number' ? next : 0;
  const block: LayoutBlock = { version, ids: Uint32Array.from(valid, (r) => r.id), values };
  // Zero-padded so that keys sort in the order written.
  await meta.put(block, `${PREFIX}${String(seq).padStart(10, '0')}`);
  await meta.put(seq + 1, NEXT_KEY);
  await tx.done;
}

/** Each photo's latest layout of the given version (views into the stored blocks). */
export async function readColourLayouts(
  db: LumenDb,
  version: number,
): Promise<Map<number, Uint8Array>> {
  const out = new Map<number, Uint8Array>();
  for (const block of await db.getAll('meta', RANGE())) {
    if (!isBlock(block)) continue;
    if (block.version !== version) {
      // An older layout must not outlive a newer measurement of the same photo.
      block.ids.forEach((id) => out.delete(id));
      continue;
    }
    block.ids.forEach((id, i) =>
      out.set(id, block.values.subarray(i * LAYOUT_BYTES, (i + 1) * LAYOUT_BYTES)),
    );
  }
  return out;
}
