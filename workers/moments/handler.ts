import { COLOUR_LAYOUT_VERSION, LAYOUT_BYTES } from '../../src/core/colour-layout';
import {
  getProfile,
  modelKey,
  momentThresholds,
  type BestShotWeights,
} from '../../src/core/manifest';
import { getLibraryVersion, LibraryConnection, type LumenDb } from '../../src/core/store/db';
import { loadCompactMatrix } from '../../src/core/store/embedding-store';
import { readMetaColumns } from '../../src/core/store/metadata-store';
import { latestScores, readScores, rowLaion, rowStats } from '../../src/core/store/score-store';
import { readColourLayouts } from '../../src/core/store/layout-store';
import { readSubjectSharpness } from '../../src/core/store/sharpness-store';
import { SUBJECT_SHARPNESS_VERSION } from '../../src/core/subject-sharpness';
import { TAKEN_SOURCES } from '../../src/core/photo-metadata';
import { appealScores } from '../aesthetics/pixel-stats';
import { scorerKey } from '../aesthetics/scorer';
import { rankMembers, type MemberFigures } from './best-shot';
import { browserThumbnailDecoder, fillLayouts, type ThumbnailDecoder } from './lazy-layouts';
import { MomentIndex, type MomentCluster } from './moment-index';
import type {
  MomentGroup,
  MomentsApi,
  MomentsProgress,
  MomentsRequest,
  MomentsResult,
} from './protocol';

/** Capture times from the file's own metadata only: a file time is when it was copied. */
const FROM_EXIF = TAKEN_SOURCES.indexOf('exif');

interface State {
  profileId: string;
  index: MomentIndex;
  libraryVersion: number;
  /** Photos whose layout was measured from their thumbnails, or tried (once per worker). */
  triedLayouts: Set<number>;
}

/** The moments worker: groups from the stored vectors, updated as the library changes. */
export class MomentsHandler implements MomentsApi {
  #library = new LibraryConnection();
  #state: State | undefined;
  readonly #decode: ThumbnailDecoder | null;

  /** `decode`: how stored thumbnails are decoded for missing layouts (none: left missing). */
  constructor(decode: ThumbnailDecoder | null = browserThumbnailDecoder()) {
    this.#decode = decode;
  }

  async groups(
    request: MomentsRequest,
    onProgress?: (p: MomentsProgress) => void,
  ): Promise<MomentsResult> {
    const started = performance.now();
    const db = await this.#library.get();
    const profile = getProfile(request.profileId);
    const dim = profile.clip.embeddingSize;
    if (this.#state?.profileId !== profile.id) {
      this.#state = {
        profileId: profile.id,
        index: new MomentIndex(dim, momentThresholds(profile)),
        libraryVersion: -1,
        triedLayouts: new Set(),
      };
    }
    const state = this.#state;
    const incremental = state.libraryVersion >= 0;
    const libraryVersion = await getLibraryVersion(db);
    if (libraryVersion !== state.libraryVersion) {
      await update(db, state, modelKey(profile.clip), dim, this.#decode, onProgress);
      state.libraryVersion = libraryVersion;
    }
    const clusters = state.index.clusters();
    const weights = momentThresholds(profile).bestShot;
    const groups = await describe(db, clusters, scorerKey(profile), request.taste, weights);
    onProgress?.({ state: 'done', done: state.index.size, total: state.index.size });
    return {
      groups,
      libraryVersion,
      photos: state.index.size,
      ms: Math.round(performance.now() - started),
      incremental,
    };
  }

  reset(): void {
    this.#state = undefined;
  }
}

/**
 * Brings the index to the stored library: removed photos out, new or changed vectors in, and
 * photos that gained a colour layout in again.
 */
async function update(
  db: LumenDb,
  state: State,
  model: string,
  dim: number,
  decode: ThumbnailDecoder | null,
  onProgress?: (p: MomentsProgress) => void,
): Promise<void> {
  const { index } = state;
  const [matrix, meta, layouts] = await Promise.all([
    loadCompactMatrix(db, model, dim),
    readMetaColumns(db),
    readColourLayouts(db, COLOUR_LAYOUT_VERSION),
  ]);
  const times = new Map<number, number>();
  meta.ids.forEach((id, i) => {
    if (meta.takenSource[i]! >= FROM_EXIF) times.set(id, meta.takenAt[i]!);
  });
  // Photos indexed before layouts were stored: measured once from their stored thumbnails.
  const missing = Array.from(matrix.ids).filter(
    (id) => !layouts.has(id) && !state.triedLayouts.has(id),
  );
  if (decode && missing.length > 0) {
    for (const id of missing) state.triedLayouts.add(id);
    await fillLayouts(db, missing, layouts, decode, (done, total) =>
      onProgress?.({ state: 'running', done, total }),
    );
  }
  const present = new Set(matrix.ids);
  index.remove(index.ids().filter((id) => !present.has(id)));
  const rows: number[] = [];
  matrix.ids.forEach((id, row) => {
    const gained = layouts.has(id) && index.has(id) && !index.hasLayout(id);
    if (index.scaleOf(id) !== matrix.scales[row] || gained) rows.push(row);
  });
  onProgress?.({ state: 'running', done: 0, total: rows.length });
  const codes = new Int8Array(rows.length * dim);
  rows.forEach((row, k) => codes.set(matrix.codes.subarray(row * dim, (row + 1) * dim), k * dim));
  // A photo still without a layout (no thumbnail) groups by the cosine alone.
  const bytes = new Uint8Array(rows.length * LAYOUT_BYTES);
  const has = new Uint8Array(rows.length);
  rows.forEach((row, k) => {
    const layout = layouts.get(matrix.ids[row]!);
    if (!layout) return;
    bytes.set(layout, k * LAYOUT_BYTES);
    has[k] = 1;
  });
  index.add(
    Uint32Array.from(rows, (row) => matrix.ids[row]!),
    codes,
    Float32Array.from(rows, (row) => matrix.scales[row]!),
    Float64Array.from(rows, (row) => times.get(matrix.ids[row]!) ?? Number.NaN),
    { bytes, has },
  );
}

/** Groups as the page sees them: duplicates joined, best shot first, tier named. */
async function describe(
  db: LumenDb,
  clusters: MomentCluster[],
  key: string,
  taste: MomentsRequest['taste'],
  weights: BestShotWeights | undefined,
): Promise<MomentGroup[]> {
  const duplicates = new Map<number, number[]>();
  for (const p of await db.getAllFromIndex('photos', 'duplicateOf')) {
    if (p.duplicateOf === undefined) continue;
    duplicates.set(p.duplicateOf, [...(duplicates.get(p.duplicateOf) ?? []), p.id]);
  }
  const inCluster = new Set(clusters.flatMap((c) => c.members));
  const all: MomentCluster[] = clusters.map((c) => withDuplicates(c, duplicates));
  for (const [original, dups] of duplicates) {
    if (!inCluster.has(original))
      all.push({ members: [original, ...dups], copySets: [[original, ...dups]] });
  }
  if (all.length === 0) return [];
  const { blocks } = await readScores(db);
  const scores = latestScores(blocks);
  const sharpness = await readSubjectSharpness(db, SUBJECT_SHARPNESS_VERSION);
  const tastes = new Map<number, number>();
  taste?.ids.forEach((id, i) => tastes.set(id, taste.scores[i]!));
  const tx = db.transaction('photos');
  const store = tx.objectStore('photos');
  const groups: MomentGroup[] = [];
  for (const c of all) {
    const figures: MemberFigures[] = [];
    for (const id of c.members) {
      const s = scores.get(id);
      const laionRef = s?.models.get(key);
      const stats = s?.pixel ? rowStats(s.pixel) : null;
      const photo = await store.get(id);
      figures.push({
        photoId: id,
        laion: laionRef ? rowLaion(laionRef) : null,
        sharpness: sharpness.get(id) ?? null,
        exposure: stats ? appealScores(stats).exposure : null,
        taste: tastes.get(id) ?? null,
        pixels: photo ? photo.width * photo.height : 0,
      });
    }
    const reasons = rankMembers(figures, weights);
    const members = reasons.map((r) => r.photoId);
    const whole = c.copySets.length === 1 && c.copySets[0]!.length === c.members.length;
    const tier = whole ? 'copy' : 'moment';
    groups.push({
      id: `${tier}-${Math.min(...members)}`,
      tier,
      members,
      best: members[0]!,
      reasons,
      copySets: c.copySets,
    });
  }
  await tx.done;
  return groups;
}

/** Byte-identical duplicates join their original, in its copy set (or a new one). */
function withDuplicates(c: MomentCluster, duplicates: Map<number, number[]>): MomentCluster {
  const members = [...c.members];
  const copySets = c.copySets.map((s) => [...s]);
  for (const id of c.members) {
    const dups = duplicates.get(id);
    if (!dups) continue;
    members.push(...dups);
    const set = copySets.find((s) => s.includes(id));
    if (set) set.push(...dups);
    else copySets.push([id, ...dups]);
  }
  return { members, copySets };
}
