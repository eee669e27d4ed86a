import type { JobRecord, LumenDb, QueuedJobRecord } from './db';

export type QueuedRun = Pick<QueuedJobRecord, 'rootName' | 'total' | 'handle'>;

const queuedId = (tab: string): QueuedJobRecord['id'] => `queued:${tab}`;

/** Records that tab `tab` waits to index a folder. */
export async function queueJob(db: LumenDb, tab: string, run: QueuedRun): Promise<void> {
  await db.put('jobs', {
    id: queuedId(tab),
    rootName: run.rootName,
    total: run.total,
    queuedAt: Date.now(),
    ...(run.handle ? { handle: run.handle } : {}),
  });
}

/** Tab `tab` no longer waits: its job started or was cancelled. */
export async function unqueueJob(db: LumenDb, tab: string): Promise<void> {
  await db.delete('jobs', queuedId(tab));
}

/**
 * With no interrupted job recorded, the oldest folder that a closed tab was waiting to index
 * becomes one (`current`), so the page offers to resume it. `isGone` tells whether a tab
 * closed; a live tab's queued folder is left alone.
 */
export async function adoptOrphanedJob(
  db: LumenDb,
  isGone: (tab: string) => Promise<boolean>,
): Promise<JobRecord | undefined> {
  const queued = (await db.getAll('jobs')).filter(
    (j): j is QueuedJobRecord => j.id.startsWith('queued:') && 'queuedAt' in j,
  );
  queued.sort((a, b) => a.queuedAt - b.queuedAt);
  for (const q of queued) {
    if (!(await isGone(q.id.slice('queued:'.length)))) continue;
    const tx = db.transaction('jobs', 'readwrite');
    const jobs = tx.objectStore('jobs');
    const current = await jobs.get('current');
    // Another tab's job started meanwhile: that is the interrupted job to show, if any.
    if (current) {
      await tx.done;
      return undefined;
    }
    const job: JobRecord = {
      id: 'current',
      rootName: q.rootName,
      total: q.total,
      startedAt: q.queuedAt,
      ...(q.handle ? { handle: q.handle } : {}),
    };
    await jobs.put(job);
    await jobs.delete(q.id);
    await tx.done;
    return job;
  }
  return undefined;
}
