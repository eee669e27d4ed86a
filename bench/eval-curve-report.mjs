// The curve part of `npm run eval` (issue 22), driven from bench/eval.mjs: the val-matched beauty
// for the "+re-rank (matched)" row, then both precision–quality curves on the test queries, printed
// as tables and written as bench/results/eval-curve.svg beside eval.json.
import { writeFileSync } from 'node:fs';

/** Sweep sizes: the full run's 11 beauties and 3 seeds; quick still runs every step of the code. */
export function curvePlan(quick) {
  return quick
    ? { steps: 6, matchSteps: 11, seeds: 1 }
    : { steps: 11, matchSteps: 41, seeds: Infinity };
}

/** Chooses the matched beauty on val queries, before the test table is judged. */
export async function matchedBeauty(page, adapters, plan, log) {
  const m = await page.evaluate(
    ([a, s]) => window.lumenEval.matchBeauty(a, s),
    [adapters, plan.matchSteps],
  );
  log(
    `matched beauty ${m.beauty} (val P@10 ${m.valPrecision.toFixed(3)} against the tuned ` +
      `model's ${m.tunedValPrecision.toFixed(3)}, ${plan.matchSteps} candidates)`,
  );
  return m;
}

/** Both curves on the same test queries as the table; writes the chart beside eval.json. */
export async function testCurves(page, queryTexts, adapters, plan, svgPath, log) {
  const used = adapters.slice(0, Math.min(adapters.length, plan.seeds));
  const report = await page.evaluate(
    ([q, a, s]) => window.lumenEval.curves(q, a, s),
    [queryTexts, used, plan.steps],
  );
  writeFileSync(svgPath, report.svg + '\n');
  log(
    `swept ${plan.steps} beauties × (base + ${used.length} seeds) in ${report.seconds.toFixed(1)} s`,
  );
  // The chart is in its own file; the JSON keeps the numbers.
  delete report.svg;
  return { ...report, seeds: used.length };
}

const n3 = (x) => (x === null || x === undefined ? '—' : x.toFixed(3));

/** The curve tables: every point, then the figures at matched precision and the areas. */
export function printCurves(c, matched) {
  const lines = [];
  lines.push(
    `\nPrecision@10–quality curves (test queries; tuned + re-rank is the mean of ${c.seeds} seed(s)):\n`,
  );
  lines.push(
    '| beauty | re-rank P@10 | re-rank quality | tuned+re-rank P@10 | tuned+re-rank quality |',
  );
  lines.push('|---|---|---|---|---|');
  c.beauties.forEach((b, i) => {
    const r = c.rerank.points[i];
    const t = c.tunedRerank.points[i];
    lines.push(
      `| ${b} | ${n3(r.precision)} | ${n3(r.quality)} | ${n3(t.precision)} | ${n3(t.quality)} |`,
    );
  });
  const base = c.base.precision;
  lines.push(
    `\nbase P@10 ${n3(base)}, quality ${n3(c.base.quality)}; tuned alone P@10 ${n3(c.tuned.precision)},` +
      ` quality ${n3(c.tuned.quality)}. Matched precision: P@10 ≥ ${n3(base - 0.01)};` +
      ` area over P@10 [${n3(base - 0.05)}, ${n3(base)}].\n`,
  );
  lines.push(
    '| curve | best quality within 1 point (beauty) | envelope quality at base − 1 point | area | covered |',
  );
  lines.push('|---|---|---|---|---|');
  for (const [name, s] of [
    ['re-rank', c.rerank],
    ['tuned + re-rank', c.tunedRerank],
  ]) {
    const m = s.matched ? `${n3(s.matched.quality)} (${s.matched.beauty})` : 'none';
    lines.push(
      `| ${name} | ${m} | ${n3(s.matchedInterpolated)} | ${s.area.toFixed(5)} | ${(s.covered * 100).toFixed(0)}% |`,
    );
  }
  if (matched) {
    lines.push(
      `\n+re-rank (matched) uses beauty ${matched.beauty}: val P@10 ${n3(matched.valPrecision)}` +
        ` against the tuned model's ${n3(matched.tunedValPrecision)} on val.`,
    );
  }
  console.log(lines.join('\n'));
}
