import type { LumenDb } from '../../core/store/db';
import type { RephraseState } from './rephrase.svelte';
import { rephrasingKey } from './rephrasing-key';
import type { TrainingRephraser } from './tuning-queries';

/**
 * Rephrasings for training queries without running the model for each: the one applied to
 * the current query, else the one RephraseState cached for this model and style.
 */
export function storedRephrasings(
  rephrase: RephraseState,
  db: () => Promise<LumenDb>,
): TrainingRephraser {
  return {
    get ready() {
      return rephrase.settings.enabled && rephrase.status === 'ready';
    },
    get blend() {
      return rephrase.settings.blend;
    },
    async lookup(query) {
      const applied = rephrase.applied.textFor(query);
      if (applied) return applied;
      const model = rephrase.info?.model;
      if (!model) return null;
      const key = rephrasingKey(model, rephrase.settings.style, query);
      return (await (await db()).get('rephrasings', key))?.text ?? null;
    },
  };
}
