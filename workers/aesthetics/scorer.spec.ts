import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { getProfile, modelKey, type Profile } from '../../src/core/manifest';
import { getScoresVersion, openLibraryDb, type LumenDb } from '../../src/core/store/db';
import { commitBatch } from '../../src/core/store/photo-store';
import { wrapDbMethod } from '../../src/core/store/test-photos';
import {
  isCurrent,
  latestScores,
  readScores,
  rowModel,
  rowStats,
} from '../../src/core/store/score-store';
import { CLIP_IQA_PAIRS, type ScoringProgress } from './protocol';
import { appealScores } from './pixel-stats';
import { AestheticScorer, scorerKey } from './scorer';

/** Each photo's winning stored scores, whichever format they are stored in. */
const stored = async (db: LumenDb) => latestScores((await readScores(db)).blocks);

const profile = getProfile('tiny-world');
const DIM = profile.clip.embeddingSize;
const MODEL = modelKey(profile.clip);

function unitVector(seed: number): Float32Array {
  const v = Float32Array.from({ length: DIM }, (_, i) => Math.sin(seed * 7.1 + i));
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

/** A thumbnail whose first byte says how bright its (fake) pixels are. */
const thumbnail = (brightness: number) => new Blob([new Uint8Array([brightness])]);

async function addPhotos(db: LumenDb, n: number, from = 1) {
  await commitBatch(db, {
    model: MODEL,
    dim: DIM,
    touched: [],
    skipped: [],
    writes: Array.from({ length: n }, (_, i) => ({
      fields: {
        path: `p/${from + i}.jpg`,
        name: `${from + i}.jpg`,
        size: 1,
        lastModified: 1,
        width: 640,
        height: 480,
        hash: `h${from + i}`,
        mime: 'image/jpeg',
      },
      thumbnail: thumbnail(((from + i) * 40) % 256),
      vector: unitVector(from + i),
    })),
  });
}

function deps(db: LumenDb, p: Profile = profile) {
  // The head scores the first embedding component: deterministic and checkable.
  const weight = new Float32Array(DIM);
  weight[0] = 10;
  const prompts = CLIP_IQA_PAIRS.flatMap((_, i) => [unitVector(100 + i), unitVector(200 + i)]);
  return {
    db,
    profile: p,
    head: { weight, bias: 5, inputDim: DIM },
    prompts,
    batchSize: 4,
    decodeThumbnail: async (blob: Blob) => {
      const [b] = new Uint8Array(await blob.arrayBuffer());
      return { data: new Uint8ClampedArray(16 * 16 * 4).fill(b!), width: 16, height: 16 };
    },
  };
}

let db: LumenDb;
let n = 0;
beforeEach(async () => {
  db = await openLibraryDb(`scorer-spec-${++n}`);
});

describe('AestheticScorer', () => {
  it('scores every embedded photo with all three families, tagged by scorer', async () => {
    await addPhotos(db, 6);
    const events: ScoringProgress[] = [];
    const result = await new AestheticScorer(deps(db)).run((p) => events.push(p));
    expect(result).toMatchObject({ state: 'done', done: 6, total: 6 });
    const scores = await stored(db);
    expect(scores.size).toBe(6);
    const key = scorerKey(profile);
    for (const [id, s] of scores) {
      const v = unitVector(Number((await db.get('photos', id))!.name.split('.')[0]));
      const model = rowModel(s.models.get(key)!)!;
      // Stored vectors are int8 with a 2-bit refinement: within 1/8 of a step of each value.
      expect(Math.abs(model.laion - (5 + 10 * v[0]!))).toBeLessThan(0.01);
      expect(Object.keys(model.clipIqa)).toEqual(CLIP_IQA_PAIRS.map((p) => p.name));
      expect(appealScores(rowStats(s.pixel!)!).overall).toBeGreaterThanOrEqual(0);
    }
    expect(events.at(-1)!.done).toBe(6);
    expect(await getScoresVersion(db)).toBeGreaterThan(0);
  });

  it('backfills only what is missing: a second run scores nothing', async () => {
    await addPhotos(db, 3);
    await new AestheticScorer(deps(db)).run(() => {});
    await addPhotos(db, 2, 10);
    const result = await new AestheticScorer(deps(db)).run(() => {});
    expect(result).toMatchObject({ done: 2, total: 2 });
    expect((await new AestheticScorer(deps(db)).run(() => {})).total).toBe(0);
  });

  it('does not read an unchanged, fully scored library again', async () => {
    await addPhotos(db, 3);
    await new AestheticScorer(deps(db)).run(() => {});
    const reads = vi.fn();
    const counting = wrapDbMethod(db, 'getAllFromIndex', (getAllFromIndex) => (...args) => {
      reads();
      return getAllFromIndex(...args);
    });
    expect((await new AestheticScorer(deps(counting)).run(() => {})).total).toBe(0);
    expect(reads).not.toHaveBeenCalled();
    // A photo added since is found and scored, and a run cancelled half-way is looked at again.
    await addPhotos(db, 8, 10);
    const scorer = new AestheticScorer(deps(counting));
    const cancelled = await scorer.run((p) => p.done === 4 && scorer.cancel());
    expect(cancelled).toMatchObject({ state: 'cancelled', done: 4 });
    const rest = await new AestheticScorer(deps(counting)).run(() => {});
    expect(rest).toMatchObject({ done: 4, total: 4 });
    expect(reads).toHaveBeenCalled();
    expect((await stored(db)).size).toBe(11);
  });

  it('keeps finished batches when cancelled', async () => {
    await addPhotos(db, 10);
    const scorer = new AestheticScorer(deps(db));
    const result = await scorer.run((p) => {
      if (p.done === 4) scorer.cancel();
    });
    expect(result.state).toBe('cancelled');
    expect((await stored(db)).size).toBe(4);
  });

  it('re-scores for a new aesthetic head without mixing with the old scores', async () => {
    await addPhotos(db, 3);
    await new AestheticScorer(deps(db)).run(() => {});
    const newHead: Profile = {
      ...profile,
      aestheticHead: {
        ...profile.aestheticHead,
        revision: `${profile.aestheticHead.revision}-next`,
      },
    };
    const result = await new AestheticScorer(deps(db, newHead)).run(() => {});
    expect(result.done).toBe(3);
    const [first] = (await stored(db)).values();
    expect([...first!.models.keys()].sort()).toEqual(
      [scorerKey(profile), scorerKey(newHead)].sort(),
    );
  });

  it('drops a photo’s scores when its file changes', async () => {
    await addPhotos(db, 1);
    await new AestheticScorer(deps(db)).run(() => {});
    const photo = (await db.getAll('photos'))[0]!;
    await commitBatch(db, {
      model: MODEL,
      dim: DIM,
      touched: [],
      skipped: [],
      writes: [
        {
          id: photo.id,
          fields: { ...photo, hash: 'new', lastModified: 2 },
          vector: unitVector(50),
        },
      ],
    });
    // The old row stays stored but no longer counts, and the next run scores the new file.
    const old = (await stored(db)).get(photo.id)!.models.get(scorerKey(profile))!;
    expect(isCurrent(old, await db.get('photos', photo.id))).toBe(false);
    expect(await new AestheticScorer(deps(db)).run(() => {})).toMatchObject({ done: 1, total: 1 });
    const now = (await stored(db)).get(photo.id)!.models.get(scorerKey(profile))!;
    expect(isCurrent(now, await db.get('photos', photo.id))).toBe(true);
    expect(Math.abs(rowModel(now)!.laion - (5 + 10 * unitVector(50)[0]!))).toBeLessThan(0.01);
    expect((await new AestheticScorer(deps(db)).run(() => {})).total).toBe(0);
  });
});
