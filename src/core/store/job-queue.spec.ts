import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openLibraryDb } from './db';
import { adoptOrphanedJob, queueJob, unqueueJob } from './job-queue';

let n = 0;
const fresh = () => openLibraryDb(`job-queue-spec-${++n}`);

describe('folders waiting in a tab for another tab to finish indexing', () => {
  it("a closed tab's waiting folder becomes the interrupted job; a live tab's does not", async () => {
    const db = await fresh();
    await queueJob(db, 'closed', { rootName: 'Holidays', total: 12 });
    await queueJob(db, 'open', { rootName: 'Garden', total: 5 });
    const gone = (tab: string) => Promise.resolve(tab === 'closed');
    expect(await adoptOrphanedJob(db, gone)).toMatchObject({
      id: 'current',
      rootName: 'Holidays',
      total: 12,
    });
    expect(await db.get('jobs', 'current')).toMatchObject({ rootName: 'Holidays' });
    expect(await db.get('jobs', 'queued:closed')).toBeUndefined();
    expect(await db.get('jobs', 'queued:open')).toMatchObject({ rootName: 'Garden' });
    // Only one interrupted job at a time: the next is adopted once this one is done with.
    await queueJob(db, 'closed-too', { rootName: 'Winter', total: 3 });
    expect(await adoptOrphanedJob(db, () => Promise.resolve(true))).toBeUndefined();
  });

  it('a folder whose turn came, or that was cancelled, leaves nothing behind', async () => {
    const db = await fresh();
    await queueJob(db, 't', { rootName: 'Holidays', total: 12 });
    await unqueueJob(db, 't');
    expect(await adoptOrphanedJob(db, () => Promise.resolve(true))).toBeUndefined();
    expect(await db.getAll('jobs')).toEqual([]);
  });
});
