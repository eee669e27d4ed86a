// Renders docs/benchmarks.md from a bench run's JSON (bench/results/, not committed) and the
// hand-written explanations in docs/benchmarks.notes.md (committed). In the notes, a line
// `<!-- figures: KEY -->` becomes the tables of latest.json's section KEY, with when, where and
// by which command it was measured; `<!-- figures: unlisted -->` renders every section that no
// marker names, and `<!-- figures: overview -->` a table of every section's date.
//   node bench/render-benchmarks.mjs [--results=bench/results] [--out=docs/benchmarks.md]
// (npm run bench:docs; npm run bench ends with it.)
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');

/**
 * Sections some benches also write to a file of their own (older runs wrote only there):
 * key → [file in bench/results, the section inside it ('' for the whole file)].
 */
const OWN_FILES = {
  bigPhotoIndexing: ['indexing.json', 'bigPhotoIndexing'],
  filteredScan: ['filter.json', 'filteredScan'],
  metadata: ['metadata.json', ''],
  places: ['places.json', ''],
  scanNode: ['scan.json', ''],
  tuning: ['tuning.json', ''],
  firstRun: ['first-run.json', ''],
};

/** The command that measures each section, for the stamp and for a section with no figures. */
const COMMANDS = {
  indexing: 'node bench/run.mjs',
  bigPhotoIndexing: 'node bench/indexing-bench.mjs',
  topK: 'node bench/run.mjs',
  scoring: 'node bench/run.mjs',
  scan: 'node bench/run.mjs',
  filteredScan: 'node bench/filter-bench.mjs',
  coldStart: 'node bench/run.mjs',
  scroll: 'node bench/run.mjs',
  scanNode: 'node bench/scan-bench.mjs',
  tuning: 'node bench/tuning-bench.mjs',
  places: 'node bench/places-bench.mjs',
  metadata: 'node bench/metadata-bench.mjs',
  moments: 'node bench/moments-bench.mjs',
  importFuzz: 'node bench/import-fuzz-bench.mjs',
  firstRun: 'node bench/first-run-bench.mjs',
};

// ---- formatting -------------------------------------------------------------------------

const isNum = (x) => typeof x === 'number' && Number.isFinite(x);
/** A figure with about three significant digits, thousands separated. */
export function num(x, digits = 3) {
  if (!isNum(x)) return '—';
  const a = Math.abs(x);
  if (a >= 10 ** digits) return Math.round(x).toLocaleString('en');
  if (a === 0) return '0';
  const decimals = Math.max(0, digits - 1 - Math.floor(Math.log10(a)));
  return x.toLocaleString('en', { maximumFractionDigits: Math.min(decimals, 4) });
}
const ms = (x) => (isNum(x) ? `${num(x)} ms` : '—');
const rate = (x) => (isNum(x) ? `${num(x)} img/s` : '—');
const times = (x) => (isNum(x) ? `${x >= 10 ? x.toFixed(1) : x.toFixed(2)}×` : '—');
/** A change as a signed percentage. */
const pct = (x) => (isNum(x) ? `${x >= 0 ? '+' : ''}${num(x * 100, 2)} %` : '—');
/** A share as a percentage. */
const share = (x) => (isNum(x) ? `${num(x * 100, 3)} %` : '—');
const mb = (bytes) => (isNum(bytes) ? `${num(bytes / 2 ** 20)} MiB` : '—');
const bytes = (x) => (isNum(x) ? `${Math.round(x).toLocaleString('en')} B` : '—');
const sec = (x) => (isNum(x) ? `${num(x / 1000)} s` : '—');

/** A Markdown table; cells are escaped for pipes. */
export function table(header, rows) {
  const cell = (c) => String(c ?? '—').replace(/\|/g, '\\|');
  return [
    `| ${header.map(cell).join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');
}

// ---- one renderer per section (each returns Markdown; an exception falls back to generic) ---

const RENDER = {
  indexing(s) {
    const runs = (best, all) =>
      Array.isArray(all) && all.length > 1
        ? `${rate(best)} (best of ${all.map((x) => num(x)).join(', ')})`
        : rate(best);
    const rows = Object.entries(s)
      .filter(([, r]) => r && typeof r === 'object' && r.ours)
      .map(([key, r]) => [
        r.name ?? key,
        r.images,
        isNum(r.meanMB) ? `${num(r.meanMB)} MB` : '—',
        runs(r.ours.imagesPerSecond, r.oursRuns),
        runs(r.baseline.imagesPerSecond, r.baselineRuns),
        times(r.ratio ?? r.ours.imagesPerSecond / r.baseline.imagesPerSecond),
      ]);
    return table(
      [
        'photos',
        'count',
        'mean size',
        'pipeline (stores the library)',
        'naive main-thread loop (stores nothing)',
        '× naive',
      ],
      rows,
    );
  },
  bigPhotoIndexing(s) {
    const out = [];
    const p = s.photos ?? {};
    const st = s.stageProfileMs;
    if (st) {
      out.push(
        `One ${p.width}×${p.height} JPEG (${num(p.meanMB)} MB), stage by stage on one thread:`,
        '',
        table(
          [
            'read',
            'SHA-256',
            'full decode (naive loop)',
            'createImageBitmap resize',
            'scaled decode',
          ],
          [
            [
              ms(st.readMs),
              ms(st.sha256Ms),
              ms(st.fullDecodeMs),
              ms(st.oldDecodeMs),
              ms(st.newDecodeMs),
            ],
          ],
        ),
        '',
      );
    }
    const name = (m) => (m === 'vit-b32-standin' ? 'ViT-B/32 stand-in' : m);
    const models = Object.entries(s.models ?? {});
    out.push(
      table(
        ['model', 'photos', 'pipeline', 'naive loop', '× naive', 'model alone', '× model'],
        models.map(([m, r]) => [
          name(m),
          r.photos,
          rate(r.imagesPerSecond),
          rate(r.naiveImagesPerSecond),
          times(r.vsNaive),
          rate(r.modelImagesPerSecond),
          times(r.vsModel),
        ]),
      ),
    );
    const withMeta = models.filter(([, r]) => r.metadata);
    if (withMeta.length) {
      const best = (xs) => Math.max(...xs);
      out.push(
        '',
        table(
          [
            'model',
            'metadata and places on (best run)',
            'off (best run)',
            'added time (median of alternating pairs)',
            'metadata stages alone, share of a photo’s CPU',
            'places on / off',
          ],
          withMeta.map(([m, r]) => [
            name(m),
            rate(best(r.metadata.onImagesPerSecond)),
            rate(best(r.metadata.offImagesPerSecond)),
            `${pct(r.metadata.addedTime)} (${r.metadata.onImagesPerSecond.length} pairs)`,
            r.metadata.stagesShare === undefined ? '—' : pct(r.metadata.stagesShare),
            `${Math.min(...r.metadata.placedOn)} / ${Math.max(...r.metadata.placedOff)} of ${r.photos}`,
          ]),
        ),
      );
    }
    const withHeic = models.filter(([, r]) => r.heic);
    if (withHeic.length) {
      const h = s.heic ?? {};
      out.push(
        '',
        table(
          ['model', `HEIC (${num(h.meanMB)} MB)`, 'JPEG, same pixels', 'HEIC ÷ JPEG', 'photos'],
          withHeic.map(([m, r]) => [
            name(m),
            rate(r.heic.imagesPerSecond),
            rate(r.heic.jpegImagesPerSecond),
            times(r.heic.heicVsJpeg),
            r.heic.photos,
          ]),
        ),
      );
      if (h.decoder)
        out.push(
          '',
          `HEIC decoder download: ${bytes(h.decoder.rawBytes)} raw, ${bytes(h.decoder.gzipBytes)} gzip -9. HEICs made by \`${h.encoder}\`.`,
        );
    }
    const n = s.native;
    const standin = s.models?.['vit-b32-standin'];
    if (n?.imagesPerSecond && standin)
      out.push(
        '',
        `The stand-in's model alone: ${rate(standin.modelImagesPerSecond)} in WASM against ${rate(n.imagesPerSecond)} in native onnxruntime-node ${n.version} on the same ${n.threads} threads (${times(standin.modelImagesPerSecond / n.imagesPerSecond)} native).`,
      );
    return out.join('\n');
  },
  topK(s) {
    return table(
      ['vectors', 'top-k', '`topK`', 'plain JS loop + sort', 'ratio'],
      Object.entries(s).map(([n, r]) => [
        `${Number(n).toLocaleString('en')} × ${r.dim}`,
        r.k,
        ms(r.ms),
        ms(r.baselineMs),
        times(r.ratio),
      ]),
    );
  },
  scan(s) {
    const rows = Object.entries(s).map(([key, r]) => [
      key.replace(/^(\d+)/, (n) => Number(n).toLocaleString('en')),
      r.prefiltered ? 'sign prefilter + int8 SIMD + refined' : 'int8 SIMD + refined',
      ms(r.ms),
      ms(r.firstMs),
      r.topKMs ? ms(r.topKMs) : '— (no float copy)',
      times(r.ratio),
      `${isNum(r.recallAt10) ? r.recallAt10.toFixed(3) : '—'} (${r.recallQueries} queries)`,
    ]);
    const any = Object.values(s)[0];
    return [
      table(
        ['library (× 512)', 'path', 'median', 'first', 'float `topK`', 'ratio', 'recall@10'],
        rows,
      ),
      '',
      any
        ? `Stored per 512-d vector: ${bytes(any.bytesPerVector)} (int8 + 2-bit refinement + scale + id) against ${bytes(any.floatBytesPerVector)} as float32; scores ${bytes(any.scoreBytesPerPhoto)} a photo.`
        : '',
    ].join('\n');
  },
  filteredScan(s) {
    const entries = Object.entries(s);
    const shares = entries[0]?.[1].shares ?? [];
    return table(
      [
        'top-k',
        'unfiltered',
        ...shares.map(
          (sh) => `${num(sh.kept * 100)} % kept (${sh.rows.toLocaleString('en')} rows)`,
        ),
        'exact top 10',
      ],
      entries.map(([k, r]) => [
        k,
        ms(r.unfilteredMs),
        ...r.shares.map((sh) => `${ms(sh.ms)} (first ${ms(sh.firstMs)})`),
        r.shares.every((sh) => sh.exactTop10 === 1)
          ? 'every case'
          : r.shares.map((sh) => num(sh.exactTop10)).join(', '),
      ]),
    );
  },
  coldStart(s) {
    return table(
      [
        'photos',
        'library count',
        'search worker ready',
        'first search',
        'scan memory',
        'JS heap growth',
        'storage',
      ],
      [
        [
          s.photos?.toLocaleString('en'),
          ms(s.countMs),
          ms(s.searchReadyMs),
          ms(s.firstSearchMs),
          mb(s.scanBytes),
          mb(s.heapGrowthBytes),
          mb(s.storageUsageBytes),
        ],
      ],
    );
  },
  scroll(s) {
    const row = (name, r) => [
      name,
      r.steps,
      sec(r.scrollMs),
      r.longTasks,
      ms(r.longestTaskMs),
      ms(r.lastPageMs),
    ];
    return [
      `${s.photos?.toLocaleString('en')} photos; reload to first screen ${sec(s.firstScreenMs)}.`,
      '',
      table(
        ['fling, top to bottom', 'frames', 'time', 'long tasks (> 50 ms)', 'longest', 'last page'],
        [
          row('by relevance', s),
          ...(s.byTime ? [row('by time taken, month headings', s.byTime)] : []),
        ],
      ),
    ].join('\n');
  },
  scoring(s) {
    return table(
      ['family', 'rate', 'baseline', 'ratio'],
      [
        [
          'pixel statistics, 2048×1536 photos',
          rate(s.pixel?.imagesPerSecond),
          `${rate(s.pixel?.baselineImagesPerSecond)} (full-size decode)`,
          times(s.pixelRatio),
        ],
        ['LAION head on stored vectors', rate(s.laion?.imagesPerSecond), '—', '—'],
        ['CLIP-IQA, 7 prompt pairs, stored vectors', rate(s.clipIqa?.imagesPerSecond), '—', '—'],
      ],
    );
  },
  scanNode(s) {
    const med = (t) => (t ? ms(t.median) : '—');
    return table(
      [
        'vectors (× 512)',
        'int8 WASM SIMD',
        'float32 plain JS',
        'float32 `topK`',
        '× `topK`',
        'recall@10',
        're-scored 4·k',
        'first search (cold / warm)',
      ],
      Object.entries(s.sizes ?? {}).map(([n, r]) => [
        Number(n).toLocaleString('en'),
        med(r.int8),
        med(r.fp32Plain),
        med(r.fp32TopK),
        times(r.speedupVsTopK),
        isNum(r.recallAt10) ? r.recallAt10.toFixed(3) : '—',
        `${isNum(r.rescored?.recallAt10) ? r.rescored.recallAt10.toFixed(3) : '—'} in ${med(r.rescored?.time)}`,
        `${ms(r.firstSearchMs?.withoutWarmUp)} / ${ms(r.firstSearchMs?.afterWarmUp)}`,
      ]),
    );
  },
  tuning(s) {
    const t = (r) => `${ms(r.wallMs)} (${ms(r.cpuMs)} CPU)`;
    const rows = [];
    for (const [name, r] of Object.entries(s.apply ?? {}))
      rows.push([
        `apply a rank-${r.rank} adapter, ${r.n.toLocaleString('en')} × ${r.dim} ${name}`,
        t(r.ours),
        t(r.baseline),
        times(r.ratio),
      ]);
    for (const r of Object.values(s.train ?? {}))
      rows.push([
        `DPO training, ${r.pairs.toLocaleString('en')} pairs, ${r.epochs} epochs${r.stoppedEarly ? ' (early stop)' : ''}`,
        t(r.ours),
        t(r.baseline),
        times(r.ratio),
      ]);
    if (s.taste?.ours)
      rows.push([
        `retrain a ${s.taste.picks}-pick taste and re-apply it, ${s.taste.photos.toLocaleString('en')} photos`,
        t(s.taste.ours),
        t(s.taste.baseline),
        times(s.taste.ratio),
      ]);
    return `SIMD: ${s.simd}. Ratios are taken on CPU time.\n\n${table(['what', 'Lumen (SIMD)', 'plain JS', 'ratio'], rows)}`;
  },
  places(s) {
    return table(
      [
        'places',
        'file (raw / gzip / brotli)',
        'decode + index',
        'lookup near towns',
        'lookup anywhere',
        'budget',
      ],
      [
        [
          s.places?.toLocaleString('en'),
          `${bytes(s.rawBytes)} / ${bytes(s.gzipBytes)} / ${bytes(s.brotliBytes)}`,
          `${ms(s.decodeMs)} + ${ms(s.buildMs)}`,
          `${ms(s.nearTowns?.msPerLookup)} (${pct(s.nearTowns?.placed).replace('+', '')} placed)`,
          `${ms(s.anywhere?.msPerLookup)} (${pct(s.anywhere?.placed).replace('+', '')} placed)`,
          ms(s.budgetMsPerLookup),
        ],
      ],
    );
  },
  metadata(s) {
    return table(
      [
        'file',
        '`readMetadata`, phone EXIF',
        'no EXIF',
        'SHA-256 of the file',
        'of SHA-256',
        'of indexing a photo',
      ],
      [
        [
          `${num(s.fileMB)} MB`,
          ms(s.readMetadataPhoneMs),
          ms(s.readMetadataNoExifMs),
          ms(s.sha256Ms),
          share(s.ofSha256),
          share(s.ofIndexingPhoto),
        ],
      ],
    );
  },
  importFuzz(s) {
    return table(
      ['import path', 'cases', 'largest memory rise', 'case'],
      Object.entries(s).map(([k, r]) => [
        k,
        r.cases,
        `${num(r.largestRiseMiB)} MiB`,
        r.largestRiseCase ?? '—',
      ]),
    );
  },
};

/** Any section: its numbers and short strings, one row per leaf, paths joined by dots. */
export function generic(section) {
  const rows = [];
  // When and where is the stamp's; a list of runs is summarised by the figures beside it.
  const skip = new Set(['date', 'at', 'machine', 'browser', 'node']);
  const walk = (x, at) => {
    if (rows.length >= 60 || skip.has(at)) return;
    if (Array.isArray(x) && !x.every(isNum)) return;
    if (isNum(x)) rows.push([at, num(x)]);
    else if (typeof x === 'string' || typeof x === 'boolean')
      rows.push([at, String(x).slice(0, 80)]);
    else if (Array.isArray(x) && x.every(isNum)) rows.push([at, x.map((v) => num(v)).join(', ')]);
    else if (x && typeof x === 'object')
      for (const [k, v] of Object.entries(x)) walk(v, at ? `${at}.${k}` : k);
  };
  walk(section, '');
  return table(
    ['figure', 'value'],
    rows.map(([k, v]) => [`\`${k}\``, v]),
  );
}

// ---- reading the results ----------------------------------------------------------------

const sameJson = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Every section with when, where and how it was measured: latest.json's own `measured` stamps
 * first; for a section without one (written before the stamps), the date and machine its own
 * file records when that file holds the same figures, else the time latest.json was written.
 * @param {string} dir bench/results or a copy of it
 * @returns {Record<string, { value: any, stamp: { date: string, command?: string,
 *   dateIsFileTime?: boolean, [more: string]: unknown } }>}
 */
export function readResults(dir) {
  const file = path.join(dir, 'latest.json');
  const latest = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const measured = latest.measured ?? {};
  const sections = {};
  for (const [key, value] of Object.entries(latest)) {
    if (key === 'measured' || !value || typeof value !== 'object') continue;
    sections[key] = { value, stamp: measured[key] };
  }
  for (const [key, [name, inner]] of Object.entries(OWN_FILES)) {
    const own = path.join(dir, name);
    if (!existsSync(own)) continue;
    const whole = JSON.parse(readFileSync(own, 'utf8'));
    const value = inner ? whole[inner] : whole;
    if (!value) continue;
    const ownStamp = {
      date: whole.date ?? whole.at ?? value.date ?? statSync(own).mtime.toISOString(),
      dateIsFileTime: !(whole.date ?? whole.at ?? value.date),
      machine: whole.machine ?? value.machine,
      browser: whole.browser,
      node: whole.node ?? value.node,
      loadAverage: value.loadAverage ?? whole.machine?.loadAverage,
      command: COMMANDS[key],
    };
    if (!sections[key]) sections[key] = { value, stamp: ownStamp };
    else if (!sections[key].stamp && sameJson(sections[key].value, value))
      sections[key].stamp = ownStamp;
  }
  for (const s of Object.values(sections))
    s.stamp ??= {
      date: statSync(file).mtime.toISOString(),
      dateIsFileTime: true,
    };
  return sections;
}

function stampLine(key, stamp) {
  const date = stamp.date ? stamp.date.slice(0, 16).replace('T', ' ') + ' UTC' : 'unknown date';
  const m = stamp.machine;
  const load = Array.isArray(stamp.loadAverage) ? stamp.loadAverage[0] : stamp.loadAverage;
  return [
    `_Measured ${stamp.dateIsFileTime ? 'by ' : ''}${date}`,
    `\`${stamp.command ?? COMMANDS[key] ?? '?'}\``,
    m ? `${m.cpu ?? 'CPU'}, ${m.cores} cores${m.memoryGiB ? `, ${m.memoryGiB} GiB` : ''}` : null,
    isNum(load) ? `load average ${num(load, 2)}` : null,
    stamp.browser ? `Chromium ${stamp.browser.split('.')[0]}` : null,
    stamp.node ? `Node ${stamp.node.replace(/^v/, '').split('.')[0]}` : null,
    stamp.crossOriginIsolated === false ? 'not cross-origin isolated' : null,
  ]
    .filter(Boolean)
    .join(' · ')
    .concat('_');
}

function figures(key, sections) {
  const s = sections[key];
  if (!s)
    return `_No figures for \`${key}\` in this run's results: \`${COMMANDS[key] ?? 'npm run bench'}\` measures them._`;
  let body;
  try {
    body = RENDER[key] ? RENDER[key](s.value) : generic(s.value);
  } catch (e) {
    body = `${generic(s.value)}\n\n_(shown as raw figures: ${e.message})_`;
  }
  return `${stampLine(key, s.stamp)}\n\n${body}`;
}

function overview(sections) {
  return table(
    ['section', 'measured', 'by'],
    Object.entries(sections)
      .sort(([, a], [, b]) => String(a.stamp.date).localeCompare(String(b.stamp.date)))
      .map(([key, s]) => [
        `\`${key}\``,
        `${s.stamp.dateIsFileTime ? 'by ' : ''}${String(s.stamp.date).slice(0, 16).replace('T', ' ')} UTC`,
        `\`${s.stamp.command ?? COMMANDS[key] ?? '?'}\``,
      ]),
  );
}

/** The rendered page: the notes with every marker replaced. */
export function render(notes, sections) {
  const named = new Set([...notes.matchAll(/<!-- figures: (\w+) -->/g)].map((m) => m[1]));
  const unlisted = Object.keys(sections).filter((k) => !named.has(k));
  const header =
    '<!-- Rendered by `npm run bench:docs` (bench/render-benchmarks.mjs) from bench/results/latest.json\n' +
    '     and docs/benchmarks.notes.md: edit the notes, not this file. -->\n\n';
  return (
    header +
    notes.replace(/<!-- figures: (\w+) -->/g, (_, key) => {
      if (key === 'overview') return overview(sections);
      if (key === 'unlisted')
        return unlisted.length
          ? unlisted.map((k) => `### \`${k}\`\n\n${figures(k, sections)}`).join('\n\n')
          : '_Every section of the results is shown above._';
      return figures(key, sections);
    })
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name, fallback) =>
    process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
  const dir = path.resolve(arg('results', path.join(root, 'bench', 'results')));
  const out = path.resolve(arg('out', path.join(root, 'docs', 'benchmarks.md')));
  const notes = readFileSync(path.join(root, 'docs', 'benchmarks.notes.md'), 'utf8');
  const sections = readResults(dir);
  let page = render(notes, sections);
  // Formatted as `npm run check` wants it, so that a fresh render is committed as is.
  try {
    const prettier = await import('prettier');
    page = await prettier.format(page, { ...(await prettier.resolveConfig(out)), filepath: out });
  } catch (e) {
    console.warn(`prettier did not format the page: ${e.message}`);
  }
  writeFileSync(out, page);
  console.log(
    `Wrote ${path.relative(root, out)} from ${Object.keys(sections).length} sections of ${path.relative(root, dir)}: ${Object.keys(sections).join(', ')}`,
  );
}
