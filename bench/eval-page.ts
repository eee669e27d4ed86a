// Runs inside Chromium, driven by bench/eval.mjs: the production workers (indexing, aesthetics,
// tuning, search) on the tiny world, so that the benchmark measures what a person would get.
import { AestheticsClient } from '../src/lib/clients/aesthetics-client';
import { EmbeddingClient } from '../src/lib/clients/embedding-client';
import { SearchClient } from '../src/lib/clients/search-client';
import { TuningClient } from '../src/lib/clients/tuning-client';
import { MomentsClient } from '../src/lib/clients/moments-client';
import { stackingFigures } from './eval-stacking';
import { sourcesFromFileList } from '../src/lib/files/collect-files';
import { getProfile } from '../src/core/manifest';
import { openLibraryDb } from '../src/core/store/db';
import {
  parseGroundTruth,
  queriesOfSplit,
  type GroundTruth,
  type Split,
  type TruthImage,
  type TruthQuery,
} from '../src/core/eval/ground-truth';
import {
  PROXY_MARGINS,
  TRUTH_MARGINS,
  qualityAxes,
  relevanceScaleOf,
} from '../src/core/eval/proxy-judge';
import { promptTexts } from '../workers/aesthetics/protocol';
import { DEFAULT_RANK, type RankOptions, type RankedHit } from '../workers/search/protocol';
import {
  baseFigures,
  missingFigures,
  scoreAgainstBase,
  summariseRuns,
  type EvalRow,
  type QueryCase,
  type SystemScore,
} from './eval-report';
import { appBase, deleteDb, folderFiles } from './page-common';
import { beautySteps, curves, matchBeauty, rankAt, type CurveSession } from './eval-curve';

/** Rows are judged at ten: the table's precision@10 and the proxy margins assume ten. */
const N = 10;
/** Candidates each search returns before the top N is cut: re-ranking reorders these. */
const CANDIDATES = 200;
/** The page's "mostly beauty" setting; the alignment experiment re-ranks with the same. */
const RERANK_BEAUTY = 0.7;
const RERANK: RankOptions = { ...DEFAULT_RANK, order: 'fusion', beauty: RERANK_BEAUTY };
const BASE_RANK: RankOptions = { ...DEFAULT_RANK, order: 'fusion', beauty: 0 };

interface Session {
  profileId: string;
  truth: GroundTruth;
  embedding: EmbeddingClient;
  search: SearchClient;
  aesthetics: AestheticsClient;
  tuning: TuningClient;
  prompts: Float32Array[];
  trainingQueries: { text: string; embedding: Float32Array }[];
}

let session: Session | undefined;

function current(): Session {
  if (!session) throw new Error('call setup() first');
  return session;
}

/**
 * Ground-truth paths start with the fixture's photos/ folder and stored paths with the folder the
 * person picked (the same one here); both are compared without it.
 */
function withinFolder(path: string): string {
  return path.slice(path.indexOf('/') + 1);
}

async function setup(profileId: string, truthJson: unknown) {
  await deleteDb();
  const truth = parseGroundTruth(truthJson);
  const tuningSpec = getProfile(profileId).tuning;
  if (!tuningSpec) throw new Error(`profile ${profileId} records no tuning settings`);
  // Training on anything but train-split queries would leak into the reported numbers.
  const trainTexts = new Set(queriesOfSplit(truth, 'train').map((q) => q.text));
  const leaked = tuningSpec.trainingQueries.filter((t) => !trainTexts.has(t));
  if (leaked.length) throw new Error(`training queries outside the train split: ${leaked.join()}`);
  const request = { profileId, appBase, device: 'wasm' as const };
  const embedding = new EmbeddingClient();
  const search = new SearchClient();
  await Promise.all([embedding.load(request, () => {}), search.load(request, () => {})]);
  const prompts = await search.embedTexts(promptTexts());
  const vectors = await search.embedTexts(tuningSpec.trainingQueries);
  session = {
    profileId,
    truth,
    embedding,
    search,
    aesthetics: new AestheticsClient(),
    tuning: new TuningClient(),
    prompts,
    trainingQueries: tuningSpec.trainingQueries.map((text, i) => ({
      text,
      embedding: vectors[i]!,
    })),
  };
  return { crossOriginIsolated: globalThis.crossOriginIsolated, files: folderFiles().length };
}

/** Indexes the photos of these image splits, then scores every unscored photo. */
async function indexSplits(splits: Split[]) {
  const s = current();
  const wanted = new Set(
    s.truth.images
      .filter((img) => img.split && splits.includes(img.split))
      .map((i) => withinFolder(i.path)),
  );
  const files = folderFiles().filter((f) => wanted.has(withinFolder(f.webkitRelativePath)));
  if (files.length !== wanted.size) {
    throw new Error(`found ${files.length} of the ${wanted.size} photos of ${splits.join('+')}`);
  }
  const t0 = performance.now();
  const indexed = await s.embedding.index(
    { sources: sourcesFromFileList(files), rootName: 'photos' },
    () => {},
  );
  if (indexed.state !== 'done') throw new Error(`indexing ended ${indexed.state}`);
  const t1 = performance.now();
  const scored = await s.aesthetics.score(
    { profileId: s.profileId, appBase, prompts: s.prompts },
    () => {},
  );
  if (scored.state !== 'done') throw new Error(`scoring ended ${scored.state}: ${scored.message}`);
  await s.search.useProfile(s.profileId);
  return {
    files: files.length,
    indexed: indexed.indexed,
    duplicates: indexed.duplicates,
    skipped: indexed.skipped,
    indexSeconds: (t1 - t0) / 1000,
    scoreSeconds: (performance.now() - t1) / 1000,
  };
}

/**
 * Builds automatic D_po from the training queries and trains one adapter with the manifest's
 * recorded grid and settings; the seed moves both the grid offset and the trainer, as in
 * models/alignment-experiment.ts. Returns the adapter id; base stays active afterwards.
 */
async function train(seed: number) {
  const s = current();
  const spec = getProfile(s.profileId).tuning!;
  const pairs = await s.tuning.buildPairs({
    profileId: s.profileId,
    queries: s.trainingQueries,
    grid: { ...spec.grid, seed },
  });
  const info = await s.tuning.train(
    {
      profileId: s.profileId,
      queries: s.trainingQueries,
      settings: { seed },
    },
    () => {},
  );
  await s.tuning.setActiveAdapter(s.profileId, null);
  const m = info.summary;
  return {
    adapterId: info.id,
    pairs: pairs.pairs,
    ties: pairs.ties,
    epochs: m.epochs,
    bestEpoch: m.bestEpoch,
    validationAccuracy: m.validationAccuracy,
    baseValidationAccuracy: m.baseValidationAccuracy,
    durationMs: m.durationMs,
  };
}

/** Ground-truth records of the stored photos, by photo id. */
async function truthById(truth: GroundTruth): Promise<Map<number, TruthImage>> {
  const byPath = new Map(truth.images.map((img) => [withinFolder(img.path), img]));
  const db = await openLibraryDb();
  try {
    const out = new Map<number, TruthImage>();
    for (const p of await db.getAll('photos')) {
      const img = byPath.get(withinFolder(p.path));
      if (img) out.set(p.id, img);
    }
    return out;
  } finally {
    db.close();
  }
}

async function rowOf(hits: RankedHit[], truth: Map<number, TruthImage>): Promise<EvalRow> {
  const top = hits.slice(0, N);
  const vectors = await current().search.photoVectors(top.map((h) => h.id));
  return {
    truth: top.map((h) => {
      const img = truth.get(h.id);
      if (!img) throw new Error(`photo ${h.id} is not in the ground truth`);
      return img;
    }),
    proxy: top.map((h, i) => {
      const embedding = vectors[i];
      const beauty = h.aesthetic?.combined;
      if (!embedding || beauty === undefined)
        throw new Error(`photo ${h.id} lacks a vector or scores`);
      return { embedding, beauty };
    }),
  };
}

async function searchAll(
  queries: TruthQuery[],
  rank: RankOptions,
  adapter: 'active' | 'none',
): Promise<RankedHit[][]> {
  const s = current();
  const out: RankedHit[][] = [];
  for (const q of queries) {
    const res = await s.search.searchText({ text: q.text }, { limit: CANDIDATES, rank, adapter });
    out.push(res.hits);
  }
  return out;
}

async function rowsFor(
  queries: TruthQuery[],
  rank: RankOptions,
  adapter: 'active' | 'none',
  truth: Map<number, TruthImage>,
): Promise<EvalRow[]> {
  const rows: EvalRow[] = [];
  for (const hits of await searchAll(queries, rank, adapter)) rows.push(await rowOf(hits, truth));
  return rows;
}

/**
 * Every required system on these test queries. Base and +re-rank use the base model (adapter
 * 'none'); +tuned and +tuned+re-rank run once per adapter (seed), each made active in turn.
 */
async function evaluate(queryTexts: string[], adapterIds: number[], matchedBeauty?: number) {
  const s = current();
  const byText = new Map(queriesOfSplit(s.truth, 'test').map((q) => [q.text, q]));
  const queries = queryTexts.map((t) => {
    const q = byText.get(t);
    if (!q) throw new Error(`"${t}" is not a test-split query`);
    return q;
  });
  const truth = await truthById(s.truth);
  const embeddings = await s.search.embedTexts(queries.map((q) => q.text));
  const t0 = performance.now();
  // Base is a similarity-ordered search on the base model: its hits carry the search's own
  // relevance scale (library mean to best match), which the proxy judges accuracy in.
  const baseHits = await searchAll(queries, BASE_RANK, 'none');
  const base: EvalRow[] = [];
  for (const hits of baseHits) base.push(await rowOf(hits, truth));
  // Issue 23: the base rows with stacking off and on; a failure here costs only these figures.
  const stacking = await new MomentsClient()
    .groups({ profileId: s.profileId })
    .then((m) => stackingFigures(queries, baseHits, truth, m.groups, N))
    .catch((e: unknown) => ({ error: e instanceof Error ? e.message : String(e) }));
  const axes = qualityAxes(s.prompts);
  const cases = (rows: EvalRow[]): QueryCase[] =>
    queries.map((query, i) => ({
      query,
      proxyQuery: {
        embedding: embeddings[i]!,
        scale: relevanceScaleOf(baseHits[i]!),
        qualityAxes: axes,
      },
      base: base[i]!,
      system: rows[i]!,
    }));
  const seedRuns = async (
    name: string,
    rank: RankOptions,
    ids: (number | null)[],
  ): Promise<SystemScore[]> => {
    const out: SystemScore[] = [];
    for (const [i, id] of ids.entries()) {
      await s.tuning.setActiveAdapter(s.profileId, id);
      const rows = await rowsFor(queries, rank, id === null ? 'none' : 'active', truth);
      out.push(scoreAgainstBase(name, cases(rows), N, i + 1));
    }
    await s.tuning.setActiveAdapter(s.profileId, null);
    return out;
  };
  const rerank = await seedRuns('+re-rank (beauty 0.7)', RERANK, [null]);
  // Eval-only: the beauty chosen on val to keep the tuned model's precision (bench/eval-curve.ts).
  const matched =
    matchedBeauty === undefined
      ? []
      : await seedRuns('+re-rank (matched)', rankAt(matchedBeauty), [null]);
  const tuned = adapterIds.length ? await seedRuns('+tuned', BASE_RANK, adapterIds) : [];
  const both = adapterIds.length ? await seedRuns('+tuned+re-rank', RERANK, adapterIds) : [];
  const summary = (runs: SystemScore[]) => (runs.length ? summariseRuns(runs) : null);
  const systems = {
    '+re-rank (beauty 0.7)': summary(rerank),
    ...(matchedBeauty === undefined ? {} : { '+re-rank (matched)': summary(matched) }),
    '+tuned': summary(tuned),
    '+tuned+re-rank': summary(both),
  };
  const missing: Record<string, string[]> = {};
  for (const [name, s] of Object.entries(systems)) missing[name] = s ? missingFigures(s) : ['all'];
  return {
    queries: queries.length,
    searchSeconds: (performance.now() - t0) / 1000,
    base: baseFigures(cases(base)),
    systems,
    missing,
    stacking,
  };
}

/** The curves' access to the session: searches by query, the adapter switch, the labels. */
async function curveSession(): Promise<CurveSession> {
  const s = current();
  return {
    search: async (query, rank, adapter) => (await searchAll([query], rank, adapter))[0]!,
    useAdapter: (id) => s.tuning.setActiveAdapter(s.profileId, id),
    truth: await truthById(s.truth),
  };
}

function queriesByText(split: Split, texts?: string[]): TruthQuery[] {
  const all = queriesOfSplit(current().truth, split).filter((q) => q.kind !== 'held-out-triple');
  if (!texts) return all;
  const byText = new Map(all.map((q) => [q.text, q]));
  return texts.map((t) => {
    const q = byText.get(t);
    if (!q) throw new Error(`"${t}" is not a ${split}-split query`);
    return q;
  });
}

/** Shows the chart on the page as well as returning it, so a person watching sees the curve. */
async function curvesOnTest(queryTexts: string[], adapterIds: number[], steps: number) {
  const report = await curves(
    await curveSession(),
    queriesByText('test', queryTexts),
    adapterIds,
    beautySteps(steps),
  );
  const figure = document.createElement('figure');
  figure.innerHTML = report.svg;
  document.body.append(figure);
  return report;
}

/** The test queries the table averages over: the held-out triples cap P@10 at 0.2 by design. */
function testQueries(): { text: string; kind: string }[] {
  return queriesOfSplit(current().truth, 'test')
    .filter((q) => q.kind !== 'held-out-triple')
    .map((q) => ({ text: q.text, kind: q.kind ?? '' }));
}

const api = {
  setup,
  indexSplits,
  train,
  testQueries,
  evaluate,
  /** The "+re-rank (matched)" beauty, from val queries only; pass it to evaluate(). */
  matchBeauty: async (adapterIds: number[], steps: number) =>
    matchBeauty(await curveSession(), queriesByText('val'), adapterIds, beautySteps(steps)),
  curves: curvesOnTest,
  settings: () => ({
    n: N,
    candidates: CANDIDATES,
    base: BASE_RANK,
    rerank: RERANK,
    tuning: getProfile(current().profileId).tuning!,
    // Differences at or below these are "similar"; the reasons are in proxy-judge.ts.
    margins: { truth: TRUTH_MARGINS, proxy: PROXY_MARGINS },
  }),
};

declare global {
  interface Window {
    lumenEval: typeof api;
  }
}
window.lumenEval = api;
