// The precision–quality chart of the eval's curves as a standalone SVG: the eval page shows it,
// `npm run eval` writes it to bench/results/eval-curve.svg, and docs/eval.md embeds a copy.
// Precision runs right to left (falling as beauty rises), as one reads the trade. Two panels:
// the whole sweep, and the few points of precision around base where the systems are compared.
import { AREA_RANGE, MATCH_TOLERANCE, type CurvePoint } from '../src/core/eval/curve';

interface ChartInput {
  base: CurvePoint;
  tuned: CurvePoint;
  rerank: { points: CurvePoint[]; matched: CurvePoint | null };
  tunedRerank: { points: CurvePoint[]; matched: CurvePoint | null };
}

const W = 640;
const H = 420;
const M = { left: 56, right: 16, top: 28, bottom: 48 };
const COLOURS = { rerank: '#1f6fb4', tuned: '#c2410c' };

const f = (x: number) => x.toFixed(1);

function niceTicks(lo: number, hi: number, step: number): number[] {
  const out: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + 1e-9; t += step)
    out.push(Math.round(t * 100) / 100);
  return out;
}

/** Room either side of base in the near-base panel, in P@10. */
const NEAR = { below: AREA_RANGE + 0.02, above: 0.015 };

/** One panel; `near` zooms on the precision around base, clipping the lines at its edges. */
function panel(input: ChartInput, near: boolean, top: number): string {
  const every = [...input.rerank.points, ...input.tunedRerank.points];
  const lo = input.base.precision - NEAR.below;
  const hi = input.base.precision + NEAR.above;
  const all = near ? every.filter((p) => p.precision >= lo && p.precision <= hi) : every;
  const ps = all.map((p) => p.precision);
  const qs = all.map((p) => p.quality);
  // A point's width of room at each end, so that no point sits on an axis.
  const pLo = near ? lo : Math.floor(Math.min(...ps) * 20) / 20 - 0.01;
  const pHi = near ? hi : Math.ceil(Math.max(...ps) * 20) / 20 + 0.01;
  const qLo = Math.floor(Math.min(...qs) * 20) / 20;
  const qHi = Math.ceil(Math.max(...qs) * 20) / 20;
  const x = (p: number) => M.left + ((pHi - p) / (pHi - pLo || 1)) * (W - M.left - M.right);
  const y = (q: number) => H - M.bottom - ((q - qLo) / (qHi - qLo || 1)) * (H - M.top - M.bottom);
  const parts: string[] = [];
  const clip = near ? 'plot-near' : 'plot-all';
  const base = input.base.precision;
  // The area's precision range and the matched-precision band.
  parts.push(
    `<rect x="${f(x(base))}" y="${M.top}" width="${f(x(base - AREA_RANGE) - x(base))}" height="${H - M.top - M.bottom}" fill="#eef2f7"/>`,
    `<rect x="${f(x(base))}" y="${M.top}" width="${f(x(base - MATCH_TOLERANCE) - x(base))}" height="${H - M.top - M.bottom}" fill="#dde6f0"/>`,
  );
  for (const t of niceTicks(pLo, pHi, near ? 0.01 : 0.05)) {
    parts.push(
      `<line x1="${f(x(t))}" x2="${f(x(t))}" y1="${H - M.bottom}" y2="${H - M.bottom + 4}" stroke="#333"/>`,
      `<text x="${f(x(t))}" y="${H - M.bottom + 17}" text-anchor="middle">${t.toFixed(2)}</text>`,
    );
  }
  for (const t of niceTicks(qLo, qHi, 0.05)) {
    parts.push(
      `<line x1="${M.left}" x2="${W - M.right}" y1="${f(y(t))}" y2="${f(y(t))}" stroke="#ddd"/>`,
      `<text x="${M.left - 6}" y="${f(y(t) + 4)}" text-anchor="end">${t.toFixed(2)}</text>`,
    );
  }
  parts.push(
    `<line x1="${M.left}" x2="${W - M.right}" y1="${H - M.bottom}" y2="${H - M.bottom}" stroke="#333"/>`,
    `<line x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${H - M.bottom}" stroke="#333"/>`,
    `<text x="${(M.left + W - M.right) / 2}" y="${H - 10}" text-anchor="middle">precision@10 (test queries) — falls to the right as beauty rises</text>`,
    `<text x="${M.left}" y="${M.top - 10}" font-weight="bold">${near ? 'Near base: the precision range of the figures' : 'The whole sweep, beauty 0 to 1'}</text>`,
    `<text transform="translate(14 ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle">top-10 quality (ground truth)</text>`,
  );
  const series = (points: CurvePoint[], colour: string, name: string, labelBelow: boolean) => {
    const line = points.map((p) => `${f(x(p.precision))},${f(y(p.quality))}`).join(' ');
    parts.push(
      `<polyline points="${line}" fill="none" stroke="${colour}" stroke-width="2" clip-path="url(#${clip})"/>`,
    );
    for (const p of points) {
      if (near && (p.precision < lo || p.precision > hi)) continue;
      parts.push(
        `<circle cx="${f(x(p.precision))}" cy="${f(y(p.quality))}" r="3" fill="${colour}"><title>${name}, beauty ${p.beauty}: P@10 ${p.precision.toFixed(3)}, quality ${p.quality.toFixed(3)}</title></circle>`,
      );
      if ((near || Math.round(p.beauty * 10) % 2 === 0) && p.beauty > 0) {
        parts.push(
          `<text x="${f(x(p.precision) + 4)}" y="${f(y(p.quality) + (labelBelow ? 14 : -6))}" fill="${colour}" font-size="10">${p.beauty}</text>`,
        );
      }
    }
  };
  series(input.rerank.points, COLOURS.rerank, 're-rank (base vectors)', false);
  series(input.tunedRerank.points, COLOURS.tuned, 'tuned + re-rank (mean of seeds)', true);
  const marker = (p: CurvePoint, label: string, colour: string, dy: number) => {
    parts.push(
      `<rect x="${f(x(p.precision) - 5)}" y="${f(y(p.quality) - 5)}" width="10" height="10" fill="none" stroke="${colour}" stroke-width="2"/>`,
      `<text x="${f(x(p.precision) + 8)}" y="${f(y(p.quality) + dy)}" fill="${colour}" font-weight="bold">${label}</text>`,
    );
  };
  marker(input.base, 'base', '#111', 4);
  marker(input.tuned, 'tuned alone', COLOURS.tuned, 16);
  if (near) return wrap(parts, top, clip);
  const legend = [
    [COLOURS.rerank, 're-rank on base vectors, beauty 0 → 1 (labels: beauty)'],
    [COLOURS.tuned, 'tuned + re-rank, mean of seeds (its beauty 0 = tuned alone)'],
    [
      '#dde6f0',
      `within ${MATCH_TOLERANCE * 100} point of base; lighter: the area's range (${AREA_RANGE * 100} points)`,
    ],
  ];
  legend.forEach(([colour, text], i) => {
    const ly = H - M.bottom - 44 + i * 16;
    parts.push(
      `<rect x="${W - 360}" y="${ly - 8}" width="12" height="10" fill="${colour}"/>`,
      `<text x="${W - 344}" y="${ly + 1}" font-size="11">${text}</text>`,
    );
  });
  return wrap(parts, top, clip);
}

function wrap(parts: string[], top: number, clip: string): string {
  return [
    `<svg x="0" y="${top}" width="${W}" height="${H}">`,
    `<clipPath id="${clip}"><rect x="${M.left}" y="${M.top}" width="${W - M.left - M.right}" height="${H - M.top - M.bottom}"/></clipPath>`,
    ...parts,
    '</svg>',
  ].join('\n');
}

/** Both panels, the whole sweep above and the range around base below. */
export function curveChart(input: ChartInput): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${2 * H}" width="${W}" height="${2 * H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${2 * H}" fill="#fff"/>`,
    panel(input, false, 0),
    panel(input, true, H),
    '</svg>',
  ].join('\n');
}
