import type { JudgeRephraser } from './judge-systems.svelte';
import type { RephraseState } from './rephrase.svelte';
import type { QueryRephraser } from './search.svelte';

// The rephrasing state as its two users see it; `state` is read on every access.

/** What search asks of the rephrasing: whether to use one, and the one in use. */
export function searchRephraser(state: () => RephraseState): QueryRephraser {
  return {
    get enabled() {
      return state().settings.enabled;
    },
    get blend() {
      return state().settings.blend;
    },
    appliedFor: (query) => state().applied.textFor(query),
    decidedFor: (query) => state().applied.forQuery === query,
    run: (query) => state().run(query),
  };
}

/** What the judge's +rephrase system asks: the same model the search box uses. */
export function judgeRephraser(state: () => RephraseState): JudgeRephraser {
  return {
    get status() {
      return state().status;
    },
    get blend() {
      return state().settings.blend;
    },
    load: () => state().load(),
    rephrase: (query) => state().run(query),
  };
}
