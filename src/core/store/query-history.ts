import type { LumenDb, QueryRecord } from './db';

/** How many recent searches are kept; older ones are dropped as new ones arrive. */
export const HISTORY_LIMIT = 100;

/** Normalises spacing and case so "Red  Star" and "red star" are one query. */
export function normaliseQuery(text: string): string {
  return text.trim().replace(/\s+/g, ' ').toLowerCase();
}

export async function rememberQuery(db: LumenDb, text: string, at = Date.now()): Promise<void> {
  const key = normaliseQuery(text);
  if (!key) return;
  const tx = db.transaction('queries', 'readwrite');
  await tx.store.put({ text: key, at });
  const count = await tx.store.count();
  if (count > HISTORY_LIMIT) {
    let cursor = await tx.store.index('at').openCursor();
    for (let extra = count - HISTORY_LIMIT; cursor && extra > 0; extra--) {
      await cursor.delete();
      cursor = await cursor.continue();
    }
  }
  await tx.done;
}

/** Newest first. */
export async function recentQueries(db: LumenDb, limit = HISTORY_LIMIT): Promise<QueryRecord[]> {
  const all = await db.getAllFromIndex('queries', 'at');
  return all.reverse().slice(0, limit);
}

export async function clearHistory(db: LumenDb): Promise<void> {
  await db.clear('queries');
}
