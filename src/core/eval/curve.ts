// The precision–quality curve of a beauty sweep (issue 22): each beauty setting gives one point,
// precision@10 against top-10 quality. Two systems compare fairly only at the same precision, so
// the figures here read quality as a function of precision: the best quality a system reaches
// while keeping at least that precision.
import type { Labels, TruthQuery } from './ground-truth';
import { meanQuality, precisionAt } from './metrics';

/** One setting of the sweep: mean precision@10 and mean top-10 quality over the queries. */
export interface CurvePoint {
  beauty: number;
  precision: number;
  quality: number;
}

/** Rows are judged at ten, as in the eval's table. */
const N = 10;

/** One point from the top-N rows of every query at one beauty setting. */
export function curvePoint(
  beauty: number,
  rows: readonly {
    query: Pick<TruthQuery, 'relevant'>;
    row: readonly (Labels & { quality: number })[];
  }[],
): CurvePoint {
  if (rows.length === 0) throw new RangeError('a curve point needs at least one query');
  let precision = 0;
  let quality = 0;
  for (const { query, row } of rows) {
    precision += precisionAt(N, row, query);
    quality += meanQuality(row, N);
  }
  return { beauty, precision: precision / rows.length, quality: quality / rows.length };
}

/**
 * Precisions are means of tenths over a few dozen queries; a difference below this is rounding,
 * not a measurement, so a point exactly at a bound counts as inside it.
 */
const EPSILON = 1e-9;

function checkPoints(points: readonly CurvePoint[]): void {
  if (points.length === 0) throw new RangeError('a curve needs at least one point');
  for (const p of points) {
    if (!Number.isFinite(p.precision) || !Number.isFinite(p.quality)) {
      throw new RangeError(`point at beauty ${p.beauty} is not finite`);
    }
  }
}

/**
 * The upper envelope: the points no other point beats on both precision and quality, by rising
 * precision (so by falling quality). A setting that loses precision without gaining quality is
 * one nobody would choose, so it does not shape the curve.
 */
export function upperEnvelope(points: readonly CurvePoint[]): CurvePoint[] {
  checkPoints(points);
  const byPrecision = [...points].sort(
    (a, b) => b.precision - a.precision || b.quality - a.quality,
  );
  // From the most precise down: a point joins only if it adds quality over every more precise one.
  const kept: CurvePoint[] = [];
  let best = -Infinity;
  for (const p of byPrecision) {
    if (p.quality > best + EPSILON) {
      kept.push(p);
      best = p.quality;
    }
  }
  return kept.reverse();
}

/**
 * Quality at precision p on the envelope, linearly interpolated between its points (a mix of the
 * two neighbouring settings, query by query, reaches any point on that segment). Below the
 * envelope's least precise point the quality stays at that point's (it keeps more than p);
 * above its most precise point the system cannot keep p at all: undefined.
 */
export function qualityAtPrecision(envelope: readonly CurvePoint[], p: number): number | undefined {
  const first = envelope[0];
  const last = envelope[envelope.length - 1];
  if (!first || !last) return undefined;
  if (p > last.precision + EPSILON) return undefined;
  if (p <= first.precision) return first.quality;
  for (let i = 1; i < envelope.length; i++) {
    const a = envelope[i - 1]!;
    const b = envelope[i]!;
    if (p <= b.precision + EPSILON) {
      const span = b.precision - a.precision;
      if (span <= EPSILON) return b.quality;
      return a.quality + ((p - a.precision) / span) * (b.quality - a.quality);
    }
  }
  return last.quality;
}

/**
 * The measured point with the best quality whose precision is at least `floor`: quality at
 * matched precision, with floor = base precision − 1 point. Undefined when none keeps it.
 */
export function bestWithin(points: readonly CurvePoint[], floor: number): CurvePoint | undefined {
  checkPoints(points);
  let best: CurvePoint | undefined;
  for (const p of points) {
    if (p.precision + EPSILON < floor) continue;
    if (!best || p.quality > best.quality || (p.quality === best.quality && p.beauty < best.beauty))
      best = p;
  }
  return best;
}

/**
 * Area under the envelope (quality as a function of precision) from `from` to `to`, by the
 * trapezoid rule between its points, which is exact for the linear interpolation. Where the
 * system cannot keep a precision the quality counts as 0, and `covered` says what share of the
 * range the curve reaches, so a curve that stops short is not mistaken for a low one.
 */
export function areaUnder(
  envelope: readonly CurvePoint[],
  from: number,
  to: number,
): { area: number; covered: number } {
  if (!(to > from)) throw new RangeError(`empty precision range [${from}, ${to}]`);
  const last = envelope[envelope.length - 1];
  if (!last) return { area: 0, covered: 0 };
  const top = Math.min(to, last.precision);
  if (top <= from) return { area: 0, covered: 0 };
  // Breakpoints inside [from, top]: the ends and every envelope point between them.
  const xs = [from, ...envelope.map((p) => p.precision).filter((x) => x > from && x < top), top];
  let area = 0;
  for (let i = 1; i < xs.length; i++) {
    const a = qualityAtPrecision(envelope, xs[i - 1]!)!;
    const b = qualityAtPrecision(envelope, xs[i]!)!;
    area += ((a + b) / 2) * (xs[i]! - xs[i - 1]!);
  }
  return { area, covered: (top - from) / (to - from) };
}

/** Half-width of the "matched precision" band and width of the area's range, in P@10. */
export const MATCH_TOLERANCE = 0.01;
export const AREA_RANGE = 0.05;

export interface CurveSummary {
  points: CurvePoint[];
  envelope: CurvePoint[];
  /** The best measured point with P@10 ≥ base − MATCH_TOLERANCE. */
  matched: CurvePoint | null;
  /** Envelope quality at base − MATCH_TOLERANCE (interpolated); null when not reached. */
  matchedInterpolated: number | null;
  /** Area under the envelope over [base − AREA_RANGE, base], and the share it reaches. */
  area: number;
  covered: number;
}

/** Every figure of one curve against base's precision. */
export function summariseCurve(points: readonly CurvePoint[], basePrecision: number): CurveSummary {
  const envelope = upperEnvelope(points);
  const floor = basePrecision - MATCH_TOLERANCE;
  const { area, covered } = areaUnder(envelope, basePrecision - AREA_RANGE, basePrecision);
  return {
    points: [...points],
    envelope,
    matched: bestWithin(points, floor) ?? null,
    matchedInterpolated: qualityAtPrecision(envelope, floor) ?? null,
    area,
    covered,
  };
}

/**
 * The sweep setting whose precision is nearest `target`; of equally near ones the highest
 * beauty, since at the same precision more beauty is what re-ranking is for.
 */
export function nearestPrecision(points: readonly CurvePoint[], target: number): CurvePoint {
  checkPoints(points);
  let best = points[0]!;
  for (const p of points.slice(1)) {
    const d = Math.abs(p.precision - target);
    const dBest = Math.abs(best.precision - target);
    if (d < dBest - EPSILON || (Math.abs(d - dBest) <= EPSILON && p.beauty > best.beauty)) best = p;
  }
  return best;
}

/** The mean point of each beauty over runs (seeds) that swept the same settings. */
export function meanCurve(runs: readonly (readonly CurvePoint[])[]): CurvePoint[] {
  const first = runs[0];
  if (!first) throw new RangeError('no runs to average');
  return first.map((p, i) => {
    const same = runs.map((r) => r[i]);
    if (same.some((q) => q?.beauty !== p.beauty)) {
      throw new RangeError('runs swept different beauty settings');
    }
    const mean = (f: (q: CurvePoint) => number) =>
      same.reduce((s, q) => s + f(q!), 0) / same.length;
    return {
      beauty: p.beauty,
      precision: mean((q) => q.precision),
      quality: mean((q) => q.quality),
    };
  });
}
