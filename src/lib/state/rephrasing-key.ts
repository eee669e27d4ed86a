/**
 * The `rephrasings` store's key: a rephrasing is only reused for the same model, style and
 * words. Search (RephraseState) writes under it and tuning (storedRephrasings) reads under it.
 */
export function rephrasingKey(model: string, style: string, query: string): string {
  return `${model}|${style}|${query.trim().toLowerCase()}`;
}
