import type { Labels, TruthQuery } from './ground-truth';
import type { Aspect, AspectVerdicts, PresentationJudge, Verdict } from './judging';
import { distinctCombinations, mean, meanQuality, precisionAt } from './metrics';

// Automatic judges for one showing of two rows. They answer per aspect with a tie margin, and are
// meant to be run through judgeBothOrders (judging.ts) like any other judge. The margins assume
// rows of about ten photos, the size the page shows and the paper judged.

export interface ProxyPhoto {
  /** Unit CLIP image embedding (base model: the judge must not share the tuned model's view). */
  embedding: Float32Array;
  /** Beauty on a 0..1 scale: the combined aesthetic percentile of ScoreIndex. */
  beauty: number;
}

/**
 * The search's own relevance units for one query (workers/search/rerank.ts): the library's mean
 * base-model similarity to the query (`typical`, relevance 0) and its best match (`best`,
 * relevance 1). Measured against the library rather than in raw cosine, a row's relevance means
 * the same on any CLIP model, whose cosines sit in different bands (ViT-B/32: ~0.2–0.35).
 */
export interface RelevanceScale {
  typical: number;
  best: number;
}

/** What the proxy judge knows of one query besides the rows. */
export interface ProxyQuery {
  /** The ORIGINAL query's text embedding (base model), not a rephrasing's. */
  embedding: Float32Array;
  scale: RelevanceScale;
  /**
   * Orthonormal directions the aesthetic scorers read (qualityAxes of the CLIP-IQA prompts),
   * removed before diversity is measured; empty to measure the raw embedding spread.
   */
  qualityAxes: readonly Float32Array[];
}

/**
 * Differences at or below these count as "similar".
 * - accuracy (soft precision: the mean of each photo's relevance clamped to 0..1, see
 *   softPrecision): a photo as close to the query as the best match counts 1, one no closer than
 *   the library's typical photo 0, so it reads like precision@n, and takes precision's own
 *   margin: one photo in ten going from relevant to off-topic moves it by 0.1; half that.
 * - aesthetics (mean beauty percentile): one photo in ten moving from the median to the top
 *   moves the mean by 0.05; 0.02 (two percentile points) keeps score noise out and that in.
 * - diversity (mean pairwise 1 − cosine once the quality axes are removed, see contentSpread):
 *   replacing one near-duplicate in a row of ten by a typical photo (distance ~0.5) changes 9 of
 *   45 pairs, ~0.1 on the mean; 0.02 is a fifth of it.
 * Other score scales need their own margins (JudgeOptions.margins).
 */
export const PROXY_MARGINS: Readonly<Record<Aspect, number>> = {
  accuracy: 0.05,
  aesthetics: 0.02,
  diversity: 0.02,
};

/**
 * Ground truth has no noise, so these only decide what a person would notice in a row of ten.
 * - accuracy (precision@n): 0.05, so one more relevant photo in ten (0.1) wins.
 * - aesthetics (mean quality; quality steps of 0.2 per strength step): 0.03, so one photo one
 *   step better (0.02 on the mean) is similar while a clean photo for a ruined one (0.08) wins.
 * - diversity (distinct label combinations, an integer): 0.5, so one more distinct combination
 *   wins; each is a different shape, colour or background, visible at a glance.
 */
export const TRUTH_MARGINS: Readonly<Record<Aspect, number>> = {
  accuracy: 0.05,
  aesthetics: 0.03,
  diversity: 0.5,
};

export interface JudgeOptions {
  margins?: Partial<Record<Aspect, number>>;
  /**
   * Added to the left row's score on every aspect before comparing: a judge that prefers
   * whatever it sees on the left. For tests of the two-order protocol; 0 in real use.
   */
  positionBias?: number;
}

/** Left wins when its score exceeds the right's by more than the margin, and vice versa. */
export function compareScores(left: number, right: number, margin: number): Verdict {
  if (!Number.isFinite(left) || !Number.isFinite(right)) {
    throw new RangeError(`scores must be finite, got ${left} and ${right}`);
  }
  if (left - right > margin) return 'left';
  if (right - left > margin) return 'right';
  return 'similar';
}

type Scores = Record<Aspect, number>;

function judgeWith<Row>(
  score: (row: Row) => Scores,
  defaults: Readonly<Record<Aspect, number>>,
  options: JudgeOptions,
): PresentationJudge<Row> {
  const margins = { ...defaults, ...options.margins };
  const bias = options.positionBias ?? 0;
  return (left, right) => {
    const l = score(left);
    const r = score(right);
    const verdict = (aspect: Aspect) => compareScores(l[aspect] + bias, r[aspect], margins[aspect]);
    const out: AspectVerdicts = {
      accuracy: verdict('accuracy'),
      aesthetics: verdict('aesthetics'),
      diversity: verdict('diversity'),
    };
    return out;
  };
}

export function cosine(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new RangeError(`dimensions differ: ${a.length} vs ${b.length}`);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  // Full cosine rather than a dot product: stored vectors are only nearly unit (fp16, int8).
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

/**
 * The scale a search reports, read back from its hits: each hit's relevance is
 * (score − typical) / (best − typical) and the first hit of a similarity-ordered search is the
 * best match, so the hit furthest below it gives `typical`. Hits must come from the base model
 * (adapter 'none') in similarity order (fusion with beauty 0, no beauty floor).
 */
export function relevanceScaleOf(
  hits: readonly { score: number; relevance: number }[],
): RelevanceScale {
  if (hits.length === 0) throw new RangeError('no hits to read a relevance scale from');
  const best = hits[0]!.score;
  let low = hits[0]!;
  for (const h of hits) if (h.relevance < low.relevance) low = h;
  // Every hit at relevance 1: the library has no spread (the search calls them all relevant).
  if (!(low.relevance < 1 - 1e-9)) return { typical: best, best };
  const typical = (low.score - low.relevance * best) / (1 - low.relevance);
  return { typical, best };
}

/** One similarity in the search's relevance units, clamped to 0..1. */
export function relevanceOf(similarity: number, scale: RelevanceScale): number {
  const span = scale.best - scale.typical;
  // As the search does: no spread in the library leaves every photo fully relevant.
  if (!(span > 1e-9)) return 1;
  return Math.min(1, Math.max(0, (similarity - scale.typical) / span));
}

/**
 * An estimate of precision that needs no labels: each photo counts as much as the base model
 * finds it relevant to the original query, from 0 (no closer than the library's typical photo)
 * to 1 (as close as its best match). Soft rather than a count above the search's relevant-head
 * cutoff (half-way): on the tiny world most photos above that cutoff share only one of the
 * query's two attributes, so nearly every row counted ten of ten and ties hid real losses.
 */
export function softPrecision(
  row: readonly ProxyPhoto[],
  query: Pick<ProxyQuery, 'embedding' | 'scale'>,
): number {
  return mean(row.map((p) => relevanceOf(cosine(p.embedding, query.embedding), query.scale)));
}

export function rowBeauty(row: readonly ProxyPhoto[]): number {
  return mean(row.map((p) => p.beauty));
}

/**
 * Orthonormal directions that CLIP-IQA reads: the difference of each (positive, negative)
 * prompt pair's text embedding, Gram–Schmidt orthonormalised. `prompts` alternate positive and
 * negative, as promptTexts() lists them. A pair whose difference lies in the span of earlier
 * ones adds nothing.
 */
export function qualityAxes(prompts: readonly Float32Array[]): Float32Array[] {
  if (prompts.length % 2 !== 0)
    throw new RangeError('prompts must come in (positive, negative) pairs');
  const axes: Float32Array[] = [];
  for (let i = 0; i < prompts.length; i += 2) {
    const pos = prompts[i]!;
    const neg = prompts[i + 1]!;
    if (pos.length !== neg.length) throw new RangeError('prompt dimensions differ');
    const v = Float64Array.from(pos, (x, k) => x / norm(pos) - neg[k]! / norm(neg));
    const size = norm(v);
    for (const a of axes) subtract(v, a, dot(v, a));
    const left = norm(v);
    if (left > 1e-6 * size) axes.push(Float32Array.from(v, (x) => x / left));
  }
  return axes;
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function norm(a: ArrayLike<number>): number {
  return Math.sqrt(dot(a, a));
}

function subtract(v: Float64Array, axis: ArrayLike<number>, amount: number): void {
  for (let i = 0; i < v.length; i++) v[i]! -= amount * axis[i]!;
}

/** The embedding without its components along the axes (orthonormal); not renormalised. */
export function withoutAxes(embedding: Float32Array, axes: readonly Float32Array[]): Float32Array {
  const v = Float64Array.from(embedding);
  for (const a of axes) {
    if (a.length !== v.length)
      throw new RangeError(`dimensions differ: ${a.length} vs ${v.length}`);
    subtract(v, a, dot(v, a));
  }
  return Float32Array.from(v);
}

/** Mean pairwise 1 − cosine; 0 for a single photo, which has no spread. */
export function rowSpread(row: readonly { embedding: Float32Array }[]): number {
  let sum = 0;
  let pairs = 0;
  for (let i = 0; i < row.length; i++) {
    for (let j = i + 1; j < row.length; j++) {
      sum += 1 - cosine(row[i]!.embedding, row[j]!.embedding);
      pairs++;
    }
  }
  return pairs === 0 ? 0 : sum / pairs;
}

/**
 * Diversity of what the photos show rather than of how they were spoiled: the spread once the
 * directions the aesthetic scorers read are taken out of every embedding. Without this, a row
 * of photos each degraded differently (blur, noise, low light) looks varied to CLIP, and a
 * re-ranked row of clean photos of varied subjects looks repetitive. On a 512-d CLIP the seven
 * CLIP-IQA axes leave 505 dimensions of content; on the 64-d tiny world, 57.
 */
export function contentSpread(row: readonly ProxyPhoto[], axes: readonly Float32Array[]): number {
  return rowSpread(row.map((p) => ({ embedding: withoutAxes(p.embedding, axes) })));
}

function nonEmpty<T>(row: readonly T[]): readonly T[] {
  if (row.length === 0) throw new RangeError('cannot judge an empty row');
  return row;
}

/**
 * Judges rows by the ORIGINAL query's embedding, not the rephrased one, so a rephrasing that
 * drifts off the person's words loses accuracy here.
 */
export function proxyJudge(
  query: ProxyQuery,
  options: JudgeOptions = {},
): PresentationJudge<readonly ProxyPhoto[]> {
  return judgeWith(
    (row) => ({
      accuracy: softPrecision(nonEmpty(row), query),
      aesthetics: rowBeauty(row),
      diversity: contentSpread(row, query.qualityAxes),
    }),
    PROXY_MARGINS,
    options,
  );
}

/** The oracle for the tiny world: precision@n, mean true quality, distinct combinations. */
export function truthJudge(
  query: Pick<TruthQuery, 'relevant'>,
  n = 10,
  options: JudgeOptions = {},
): PresentationJudge<readonly (Labels & { quality: number })[]> {
  return judgeWith(
    (row) => ({
      accuracy: precisionAt(n, nonEmpty(row), query),
      aesthetics: meanQuality(row, n),
      diversity: distinctCombinations(row.slice(0, n)),
    }),
    TRUTH_MARGINS,
    options,
  );
}
