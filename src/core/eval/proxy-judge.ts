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
 * Differences at or below these count as "similar".
 * - accuracy (mean cosine to the original query): with CLIP ViT-B/32 a matching photo sits about
 *   0.1 above an off-topic one, so one photo in ten going off-topic moves the mean by ~0.01; half
 *   of that lets a single swap count while drift in the third decimal does not.
 * - aesthetics (mean beauty percentile): one photo in ten moving from the median to the top
 *   moves the mean by 0.05; 0.02 (two percentile points) keeps score noise out and that in.
 * - diversity (mean pairwise 1 − cosine): replacing one near-duplicate in a row of ten by a
 *   typical photo (distance ~0.5) changes 9 of 45 pairs, ~0.1 on the mean; 0.02 is a fifth of it.
 * Other models or score scales need their own margins (JudgeOptions.margins).
 */
export const PROXY_MARGINS: Readonly<Record<Aspect, number>> = {
  accuracy: 0.005,
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

export function rowRelevance(row: readonly ProxyPhoto[], query: Float32Array): number {
  return mean(row.map((p) => cosine(p.embedding, query)));
}

export function rowBeauty(row: readonly ProxyPhoto[]): number {
  return mean(row.map((p) => p.beauty));
}

/** Mean pairwise 1 − cosine; 0 for a single photo, which has no spread. */
export function rowSpread(row: readonly ProxyPhoto[]): number {
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

function nonEmpty<T>(row: readonly T[]): readonly T[] {
  if (row.length === 0) throw new RangeError('cannot judge an empty row');
  return row;
}

/**
 * Judges rows by the ORIGINAL query's embedding, not the rephrased one, so a rephrasing that
 * drifts off the person's words loses accuracy here.
 */
export function proxyJudge(
  query: Float32Array,
  options: JudgeOptions = {},
): PresentationJudge<readonly ProxyPhoto[]> {
  return judgeWith(
    (row) => ({
      accuracy: rowRelevance(nonEmpty(row), query),
      aesthetics: rowBeauty(row),
      diversity: rowSpread(row),
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
