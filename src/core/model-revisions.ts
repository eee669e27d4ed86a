import manifestJson from '../../models/manifest.json';
import type { Manifest } from './manifest';

/**
 * Cache policy for files served from the app's own models/ folder: the service worker keeps
 * them cache-first (offline use, no re-download of hundreds of MB per visit), and their URLs
 * carry the manifest revision, so a redeployed model with a new revision is a new URL and is
 * fetched afresh. The revision already has to change whenever weights change (stored vectors
 * are keyed by it), so no second version number is needed.
 */
export const REVISION_PARAM = 'rev';

/** Adds the revision to a model file's URL; works on paths as well as absolute URLs. */
export function withRevision(url: string, revision: string): string {
  const sep = url.includes('?') ? '&' : '?';
  return `${url}${sep}${REVISION_PARAM}=${encodeURIComponent(revision)}`;
}

/**
 * Whether a cached models/ file belongs to a model revision the manifest still lists;
 * `modelsPath` is the models/ folder's pathname (e.g. "/lumen/models/").
 */
export function isCurrentModelUrl(
  url: URL,
  modelsPath: string,
  manifest: Manifest = manifestJson as Manifest,
): boolean {
  if (!url.pathname.startsWith(modelsPath)) return false;
  const file = decodeURIComponent(url.pathname.slice(modelsPath.length));
  const revision = url.searchParams.get(REVISION_PARAM);
  for (const p of Object.values(manifest.profiles)) {
    for (const spec of [p.clip, p.aestheticHead, p.llm.transformers]) {
      if (spec && file.startsWith(`${spec.id}/`) && spec.revision === revision) return true;
    }
  }
  return false;
}
