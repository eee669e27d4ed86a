// The tiny world's answer key (e2e/fixtures/tiny-world/ground-truth.json), read in one place so
// that alignment tests, `npm run eval` and the page agree on what is relevant and which split a
// query or photo belongs to. Only train and val may feed tuning and the choice of settings; test
// is read once, for the reported numbers.

export const SPLITS = ['train', 'val', 'test'] as const;
export type Split = (typeof SPLITS)[number];

export const LABEL_FIELDS = ['shape', 'colour', 'background'] as const;
export type LabelField = (typeof LABEL_FIELDS)[number];
export type Labels = Record<LabelField, string>;

/** The known kinds; the generator may add others, so any non-empty string is accepted. */
export type QueryKind = 'shape+colour' | 'shape+background' | 'colour+background' | (string & {});

export interface TruthImage extends Labels {
  /** Relative to the ground-truth file's folder. */
  path: string;
  degradation: string | null;
  strength: number;
  /** Ground-truth quality in 0..1 (1 − 0.8·strength in today's world). */
  quality: number;
  caption: string;
  /** A label combination the CLIP model never saw in training. */
  heldOut: boolean;
  /** Undefined in worlds generated before splits existed. */
  split: Split | undefined;
}

export interface TruthQuery {
  text: string;
  /** A photo is relevant when every field named here matches. */
  relevant: Partial<Labels>;
  split: Split | undefined;
  kind: QueryKind | undefined;
}

export interface GroundTruth {
  images: TruthImage[];
  queries: TruthQuery[];
  heldOutCombinations: Labels[];
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function fail(where: string, what: string): never {
  throw new Error(`ground truth: ${where}: ${what}`);
}

function str(o: Json, key: string, where: string): string {
  const v = o[key];
  if (typeof v !== 'string' || v === '') fail(where, `"${key}" must be a non-empty string`);
  return v;
}

function num(o: Json, key: string, where: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(where, `"${key}" must be a finite number`);
  return v;
}

function optionalSplit(o: Json, where: string): Split | undefined {
  const v = o.split;
  if (v === undefined) return undefined;
  const split = SPLITS.find((s) => s === v);
  if (!split) fail(where, `"split" must be one of ${SPLITS.join(', ')}, got ${JSON.stringify(v)}`);
  return split;
}

function labels(o: Json, where: string): Labels {
  return {
    shape: str(o, 'shape', where),
    colour: str(o, 'colour', where),
    background: str(o, 'background', where),
  };
}

function parseImage(v: unknown, where: string): TruthImage {
  if (!isObject(v)) fail(where, 'must be an object');
  const degradation = v.degradation;
  if (degradation !== null && typeof degradation !== 'string') {
    fail(where, '"degradation" must be a string or null');
  }
  if (typeof v.heldOut !== 'boolean') fail(where, '"heldOut" must be a boolean');
  const quality = num(v, 'quality', where);
  if (quality < 0 || quality > 1) fail(where, `"quality" must lie in 0..1, got ${quality}`);
  return {
    path: str(v, 'path', where),
    ...labels(v, where),
    degradation,
    strength: num(v, 'strength', where),
    quality,
    caption: typeof v.caption === 'string' ? v.caption : fail(where, '"caption" must be a string'),
    heldOut: v.heldOut,
    split: optionalSplit(v, where),
  };
}

function parseRelevant(v: unknown, where: string): Partial<Labels> {
  if (!isObject(v)) fail(where, '"relevant" must be an object');
  const out: Partial<Labels> = {};
  for (const key of Object.keys(v)) {
    const field = LABEL_FIELDS.find((f) => f === key);
    if (!field) fail(where, `"relevant" names an unknown label "${key}"`);
    out[field] = str(v, key, `${where}.relevant`);
  }
  // A query with no condition would make every photo relevant and precision meaningless.
  if (Object.keys(out).length === 0) fail(where, '"relevant" names no label');
  return out;
}

function parseQuery(v: unknown, where: string): TruthQuery {
  if (!isObject(v)) fail(where, 'must be an object');
  const kind = v.kind;
  if (kind !== undefined && (typeof kind !== 'string' || kind === '')) {
    fail(where, '"kind" must be a non-empty string');
  }
  return {
    text: str(v, 'text', where),
    relevant: parseRelevant(v.relevant, where),
    split: optionalSplit(v, where),
    kind,
  };
}

function arrayOf<T>(o: Json, key: string, parse: (v: unknown, where: string) => T): T[] {
  const v = o[key];
  if (!Array.isArray(v)) fail(key, 'must be an array');
  return v.map((item: unknown, i) => parse(item, `${key}[${i}]`));
}

/** Validates parsed JSON; throws an Error naming the first bad field. Unknown fields are ignored. */
export function parseGroundTruth(json: unknown): GroundTruth {
  if (!isObject(json)) fail('root', 'must be an object');
  const images = arrayOf(json, 'images', parseImage);
  const queries = arrayOf(json, 'queries', parseQuery);
  const heldOutCombinations =
    json.heldOutCombinations === undefined
      ? []
      : arrayOf(json, 'heldOutCombinations', (v, where) =>
          isObject(v) ? labels(v, where) : fail(where, 'must be an object'),
        );
  const paths = new Set<string>();
  for (const [i, image] of images.entries()) {
    if (paths.has(image.path)) fail(`images[${i}]`, `duplicate path "${image.path}"`);
    paths.add(image.path);
  }
  return { images, queries, heldOutCombinations };
}

/** Whether the file carries splits at all (worlds generated before them do not). */
export function hasSplits(truth: GroundTruth): boolean {
  return (
    truth.queries.some((q) => q.split !== undefined) ||
    truth.images.some((img) => img.split !== undefined)
  );
}

export function queriesOfSplit(truth: GroundTruth, split: Split): TruthQuery[] {
  return truth.queries.filter((q) => q.split === split);
}

export function imagesOfSplit(truth: GroundTruth, split: Split): TruthImage[] {
  return truth.images.filter((img) => img.split === split);
}

export function isRelevant(image: Labels, query: Pick<TruthQuery, 'relevant'>): boolean {
  return LABEL_FIELDS.every((f) => {
    const want = query.relevant[f];
    return want === undefined || image[f] === want;
  });
}

/** The stated kind, or one derived from the labels the query names (same spelling). */
export function kindOf(query: { relevant: Partial<Labels>; kind?: QueryKind }): QueryKind {
  return query.kind ?? LABEL_FIELDS.filter((f) => query.relevant[f] !== undefined).join('+');
}
