import type { CullRecord, LumenDb } from './db';
import { activeTasteId, addCullPairs, CULL_QUERY } from './taste-store';

export type CullDecision = CullRecord['decision'];

/**
 * A keeper beats at most this many rejected photos of its group, and a group gives at most
 * CULL_PAIRS_PER_GROUP pairs in all: a burst of 30 frames teaches as much as a few small
 * moments, not 29 times as much. Each pair weighs as a "Which of these two?" answer
 * (ORIGIN_WEIGHT.chosen); automatic pairs stay at AUTO_SHARE of all picks (docs/tastes.md).
 */
export const CULL_PAIRS_PER_KEEPER = 5;
export const CULL_PAIRS_PER_GROUP = 10;

/** A group as culling needs it: its id (kept for export) and members, best first. */
export interface CullGroup {
  id: string;
  members: readonly number[];
}

/** One photo's decision to set; null takes it back. */
export interface CullChange {
  photoId: number;
  decision: CullDecision | null;
}

/**
 * The pairs a group's decisions make: each keeper over the rejected photos nearest the top of
 * the group (the hardest to tell apart, members being best first), within both caps.
 */
export function cullPairsOf(
  group: CullGroup,
  decisions: ReadonlyMap<number, CullDecision>,
): { winner: number; loser: number }[] {
  const keepers = group.members.filter((id) => decisions.get(id) === 'keep');
  const rejected = group.members.filter((id) => decisions.get(id) === 'reject');
  const pairs: { winner: number; loser: number }[] = [];
  for (const loser of rejected.slice(0, CULL_PAIRS_PER_KEEPER)) {
    for (const winner of keepers) {
      if (pairs.length === CULL_PAIRS_PER_GROUP) return pairs;
      pairs.push({ winner, loser });
    }
  }
  return pairs;
}

export async function listDecisions(db: LumenDb): Promise<Map<number, CullRecord>> {
  return new Map((await db.getAll('culling')).map((r) => [r.photoId, r]));
}

/**
 * Stores (or takes back) decisions in one group, and makes the group's culling pairs for the
 * active taste again from what is decided now: a taken-back decision takes its pairs with it.
 * Returns the records the changes replaced (undefined: none), which undo passes back in.
 */
export async function setDecisions(
  db: LumenDb,
  model: string,
  group: CullGroup,
  changes: readonly CullChange[],
): Promise<{ photoId: number; before: CullRecord | undefined }[]> {
  const at = Date.now();
  const tx = db.transaction('culling', 'readwrite');
  const undo: { photoId: number; before: CullRecord | undefined }[] = [];
  for (const { photoId, decision } of changes) {
    undo.push({ photoId, before: await tx.store.get(photoId) });
    if (decision === null) await tx.store.delete(photoId);
    else await tx.store.put({ photoId, decision, group: group.id, at });
  }
  await tx.done;
  await remakePairs(db, model, group);
  return undo;
}

/** Puts back what setDecisions returned: the earlier decisions and the pairs they made. */
export async function restoreDecisions(
  db: LumenDb,
  model: string,
  group: CullGroup,
  undo: readonly { photoId: number; before: CullRecord | undefined }[],
): Promise<void> {
  const tx = db.transaction('culling', 'readwrite');
  for (const { photoId, before } of undo) {
    if (before) await tx.store.put(before);
    else await tx.store.delete(photoId);
  }
  await tx.done;
  await remakePairs(db, model, group);
}

async function remakePairs(db: LumenDb, model: string, group: CullGroup): Promise<void> {
  const taste = await activeTasteId(db);
  const members = new Set(group.members);
  const tx = db.transaction(['preferences', 'culling'], 'readwrite');
  const prefs = tx.objectStore('preferences');
  for (const p of await prefs.index('taste').getAll(taste)) {
    const ours = p.model === model && p.queryText === CULL_QUERY && p.origin === 'chosen';
    if (ours && members.has(p.winner) && members.has(p.loser) && p.id !== undefined) {
      await prefs.delete(p.id);
    }
  }
  const decisions = new Map<number, CullDecision>();
  for (const id of group.members) {
    const record = await tx.objectStore('culling').get(id);
    if (record) decisions.set(id, record.decision);
  }
  await tx.done;
  const byWinner = new Map<number, number[]>();
  for (const { winner, loser } of cullPairsOf(group, decisions)) {
    byWinner.set(winner, [...(byWinner.get(winner) ?? []), loser]);
  }
  for (const [winner, losers] of byWinner) await addCullPairs(db, model, [winner], losers);
}

/** One exported row: the photo's stored path, its group and the decision. */
export interface CullExportRow {
  path: string;
  group: string;
  decision: CullDecision;
}

export async function exportRows(db: LumenDb): Promise<CullExportRow[]> {
  const rows: CullExportRow[] = [];
  for (const record of await db.getAll('culling')) {
    const photo = await db.get('photos', record.photoId);
    if (photo) rows.push({ path: photo.path, group: record.group, decision: record.decision });
  }
  return rows.sort((a, b) => a.group.localeCompare(b.group) || a.path.localeCompare(b.path));
}

function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function toCsv(rows: readonly CullExportRow[]): string {
  const lines = rows.map((r) => [r.path, r.group, r.decision].map(csvField).join(','));
  return ['path,group,decision', ...lines].join('\n') + '\n';
}

export function toJson(rows: readonly CullExportRow[]): string {
  return JSON.stringify({ format: 'lumen-culling', version: 1, decisions: rows }, null, 2);
}
