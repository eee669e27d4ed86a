import type { LumenDb } from './db';

/**
 * Subject sharpness (src/core/subject-sharpness.ts), measured by the indexer while it decodes a
 * photo, and read by the moments worker to pick the best shot.
 *
 * Stored apart from the aesthetic scores on purpose: the score blocks have fixed columns, and a
 * new column would change every reader and the library file format. These are small packed
 * blocks in the `meta` store (no schema change, so every library opens as before) under keys
 * `subjectSharpness/<sequence>`, one per indexing batch, each with the figure's version. A later
 * block's row replaces an earlier one's (a photo indexed again); rows of removed photos are left
 * (ids are never reused) and readers keep only the photos they know. Libraries indexed before
 * this have no rows: their photos gain the figure when their files are indexed again.
 */

const PREFIX = 'subjectSharpness/';
const NEXT_KEY = 'subjectSharpnessNext';

export interface SharpnessBlock {
  version: number;
  ids: Uint32Array;
  values: Float32Array;
}

const RANGE = () => IDBKeyRange.bound(PREFIX, `${PREFIX}\uffff`);

function isBlock(v: unknown): v is SharpnessBlock {
  if (typeof v !== 'object' || v === null) return false;
  const b = v as Partial<SharpnessBlock>;
  return (
    typeof b.version === 'number' &&
    b.ids instanceof Uint32Array &&
    b.values instanceof Float32Array
  );
}

export async function writeSubjectSharpness(
  db: LumenDb,
  version: number,
  rows: readonly { id: number; value: number }[],
): Promise<void> {
  if (rows.length === 0) return;
  const tx = db.transaction('meta', 'readwrite');
  const meta = tx.objectStore('meta');
  const next = await meta.get(NEXT_KEY);
  const seq = typeof next === 'number' ? next : 0;
  const block: SharpnessBlock = {
    version,
    ids: Uint32Array.from(rows, (r) => r.id),
    values: Float32Array.from(rows, (r) => r.value),
  };
  // Zero-padded so that keys sort in the order written.
  await meta.put(block, `${PREFIX}${String(seq).padStart(10, '0')}`);
  await meta.put(seq + 1, NEXT_KEY);
  await tx.done;
}

/** Each photo's latest figure of the given version. */
export async function readSubjectSharpness(
  db: LumenDb,
  version: number,
): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  for (const block of await db.getAll('meta', RANGE())) {
    if (!isBlock(block)) continue;
    if (block.version !== version) {
      // An older figure must not outlive a newer measurement of the same photo.
      block.ids.forEach((id) => out.delete(id));
      continue;
    }
    block.ids.forEach((id, i) => out.set(id, block.values[i]!));
  }
  return out;
}
