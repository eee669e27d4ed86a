import { getProfile, modelFileUrls, modelKey, type Profile } from '../../src/core/manifest';
import { LibraryConnection } from '../../src/core/store/db';
import { LUMEN_MODEL_CACHE } from '../../src/core/cache-names';
import { fetchFirst } from '../shared/model-files';
import { decodeThumbnail } from '../shared/thumbnail-decoder';
import type { AestheticsApi, ScoreRequest, ScoringProgress } from './protocol';
import { readLinearHead, type LinearHead } from './pth-reader';
import { AestheticScorer } from './scorer';

/** Loads a profile's aesthetic head, checking it fits the profile's CLIP. */
async function loadHead(profile: Profile, appBase: string): Promise<LinearHead> {
  const spec = profile.aestheticHead;
  // Same cache as the service worker's for self-hosted models: one place the Models panel lists.
  const cache =
    spec.host !== 'self' && typeof caches !== 'undefined'
      ? await caches.open(LUMEN_MODEL_CACHE)
      : null;
  const urls = modelFileUrls(spec, spec.file, appBase);
  const bytes = await fetchFirst(urls, spec.host === 'self', fetch, cache);
  const head = readLinearHead(bytes);
  if (head.inputDim !== profile.clip.embeddingSize) {
    throw new Error(
      `The aesthetic head ${spec.file} expects ${head.inputDim}-dimensional embeddings, but ${profile.clip.id} makes ${profile.clip.embeddingSize}.`,
    );
  }
  return head;
}

/** The aesthetics worker: scores the library from its stored vectors and thumbnails. */
export class AestheticsHandler implements AestheticsApi {
  #library = new LibraryConnection();
  #heads = new Map<string, Promise<LinearHead>>();
  #scorer: AestheticScorer | undefined;

  async score(
    request: ScoreRequest,
    onProgress: (p: ScoringProgress) => void,
  ): Promise<ScoringProgress> {
    if (this.#scorer) throw new Error('Aesthetic scoring is already running.');
    const profile = getProfile(request.profileId);
    const headKey = modelKey(profile.aestheticHead);
    let head = this.#heads.get(headKey);
    if (!head) {
      head = loadHead(profile, request.appBase);
      this.#heads.set(headKey, head);
      // A failed download is retried on the next request rather than cached.
      head.catch(() => this.#heads.delete(headKey));
    }
    const scorer = new AestheticScorer({
      db: await this.#library.get(),
      profile,
      head: await head,
      prompts: request.prompts,
      decodeThumbnail,
    });
    this.#scorer = scorer;
    try {
      return await scorer.run(onProgress);
    } finally {
      this.#scorer = undefined;
    }
  }

  cancel(): void {
    this.#scorer?.cancel();
  }
}
