import type { EmbeddedQuery } from '../../../workers/tuning/protocol';
import { blend } from '../../core/vectors';
import { normaliseQuery } from '../../core/store/query-history';

/** Where rephrasings for training queries come from, when a language model is ready. */
export interface TrainingRephraser {
  /** True when rephrasing is on and its model has loaded; otherwise plain words are used. */
  readonly ready: boolean;
  /** Weight of the rephrasing in the blended query embedding, as search uses it. */
  readonly blend: number;
  /** A stored (cached or applied) rephrasing of this query, or null; never runs the model. */
  lookup(query: string): Promise<string | null>;
}

export interface TrainingQuerySource {
  /** The person's recent searches, newest first. */
  recent: () => Promise<string[]>;
  /** The profile's built-in training list. */
  builtIn: readonly string[];
  embedTexts: (texts: string[]) => Promise<Float32Array[]>;
  rephraser: TrainingRephraser;
}

export interface EmbeddedQueries {
  queries: EmbeddedQuery[];
  /** How many of them were embedded with a rephrasing blended in. */
  rephrased: number;
  /** How many came from the person's own searches (the rest are built in). */
  fromHistory: number;
}

/** The training queries: recent searches first, then the built-in list, each text once. */
export async function trainingQueryTexts(
  source: Pick<TrainingQuerySource, 'recent' | 'builtIn'>,
): Promise<{ texts: string[]; fromHistory: number }> {
  const texts = new Set<string>();
  for (const t of await source.recent()) {
    const key = normaliseQuery(t);
    if (key) texts.add(key);
  }
  const fromHistory = texts.size;
  for (const t of source.builtIn) {
    const key = normaliseQuery(t);
    if (key) texts.add(key);
  }
  return { texts: [...texts], fromHistory };
}

/**
 * Embeds query texts the way search would: the person's words, blended with a stored
 * rephrasing where one exists and a language model is ready. Pair texts stay the key, so
 * the trainer matches each pair with its query.
 */
export async function embedQueries(
  texts: readonly string[],
  source: Pick<TrainingQuerySource, 'embedTexts' | 'rephraser'>,
  /** Text embeddings already computed (building pairs, then training, embed the same texts). */
  cache: Map<string, Float32Array> = new Map(),
): Promise<Omit<EmbeddedQueries, 'fromHistory'>> {
  const { rephraser } = source;
  const rephrasings = rephraser.ready
    ? await Promise.all(texts.map((t) => rephraser.lookup(t)))
    : texts.map(() => null);
  const wanted = [...texts, ...rephrasings.filter((r): r is string => r !== null)];
  const missing = [...new Set(wanted.filter((t) => !cache.has(t)))];
  if (missing.length) {
    const vectors = await source.embedTexts(missing);
    missing.forEach((t, i) => cache.set(t, vectors[i]!));
  }
  let rephrased = 0;
  const queries = texts.map((text, i) => {
    const own = cache.get(text)!;
    const other = rephrasings[i];
    if (!other) return { text, embedding: own };
    rephrased++;
    return { text, embedding: blend(own, cache.get(other)!, rephraser.blend) };
  });
  return { queries, rephrased };
}

/** Each query text that stored pairs name, once. */
export function pairQueryTexts(pairs: readonly { queryText: string }[]): string[] {
  return [...new Set(pairs.map((p) => p.queryText))];
}

/** Text embeddings by text: building pairs and then training embed the same queries. */
export function embeddingCache(): Map<string, Float32Array> {
  return new Map();
}
