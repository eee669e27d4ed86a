import { describe, expect, it } from 'vitest';
import { AestheticsHandler } from '../aesthetics/handler';
import type { AestheticsApi } from '../aesthetics/protocol';
import { EmbeddingHandler } from '../embedding/handler';
import type { EmbeddingApi } from '../embedding/protocol';
import { LlmHandler } from '../llm/handler';
import type { LlmApi } from '../llm/protocol';
import { SearchHandler } from '../search/handler';
import type { SearchApi } from '../search/protocol';

/**
 * What Comlink can reach on an exposed object: every property name up its prototype chain,
 * including TypeScript-`private` ones (private only at compile time). `#` fields stay hidden.
 */
function reachable(obj: object): string[] {
  const names = new Set<string>();
  for (let o: object | null = obj; o && o !== Object.prototype; o = Reflect.getPrototypeOf(o)) {
    for (const name of Object.getOwnPropertyNames(o)) if (name !== 'constructor') names.add(name);
  }
  return [...names].sort();
}

// A Record over `keyof Api` does not compile when a method is missing or extra, so these
// lists follow the protocols.
const search: Record<keyof SearchApi, true> = {
  load: true,
  useProfile: true,
  embedTexts: true,
  searchText: true,
  compactLibrary: true,
  searchSimilar: true,
  browse: true,
  browsePage: true,
  photoVectors: true,
  facets: true,
};
const embedding: Record<keyof EmbeddingApi, true> = {
  load: true,
  index: true,
  pause: true,
  resume: true,
  cancel: true,
  fillMetadata: true,
  modelRate: true,
};
const llm: Record<keyof LlmApi, true> = {
  load: true,
  rephrase: true,
  cancel: true,
  deleteDownloads: true,
};
const aesthetics: Record<keyof AestheticsApi, true> = { score: true, cancel: true };

describe('what each worker exposes through Comlink', () => {
  it.each([
    ['search', new SearchHandler(), search],
    ['embedding', new EmbeddingHandler(), embedding],
    ['llm', new LlmHandler(), llm],
    ['aesthetics', new AestheticsHandler(), aesthetics],
  ])('the %s handler offers exactly its protocol', (_name, handler, api) => {
    expect(reachable(handler)).toEqual(Object.keys(api).sort());
  });
});
