import type { Profile } from './manifest';

/**
 * The sample library a first visit can try (docs/sample-library.md): the tiny world's photos,
 * already embedded and scored by its built-in model, as a library export the page imports
 * through the ordinary import path. Built by scripts/build-sample-library.mjs.
 */

/** The profile whose model made the sample's vectors; it ships with the app. */
export const SAMPLE_PROFILE = 'tiny-world';

/**
 * Every photo of the sample is stored under this folder, so leaving the sample removes exactly
 * these and never a photo the person added themselves.
 */
export const SAMPLE_FOLDER = 'Lumen sample (tiny world)';

/**
 * Where the export lies, relative to the app's base (public/ in the repository), for the sample's
 * profile. The model's revision is in the name: a retrained tiny world needs a new sample, and
 * gets a new URL.
 */
export const sampleFile = (profile: Pick<Profile, 'clip'>): string =>
  `sample/tiny-world-${profile.clip.revision}.zip`;

/** Whether a stored path belongs to the sample. */
export function isSamplePath(path: string): boolean {
  return path.startsWith(`${SAMPLE_FOLDER}/`);
}

/** In the address, `?sample=try` asks the page to import the sample once it has started. */
export const SAMPLE_PARAM = 'sample';
const TRY = 'try';

/** The page's address on `profileId`, asking for the sample (`?sample=try`) or not. */
export function sampleHref(href: string, profileId: string, trySample: boolean): string {
  const url = new URL(href);
  url.searchParams.set('profile', profileId);
  if (trySample) url.searchParams.set(SAMPLE_PARAM, TRY);
  else url.searchParams.delete(SAMPLE_PARAM);
  url.hash = '';
  return url.href;
}

/** Whether an address asks for the sample. */
export const asksForSample = (href: string): boolean =>
  new URL(href).searchParams.get(SAMPLE_PARAM) === TRY;

/** The same address without the request (the view in its hash kept). */
export function withoutSampleRequest(href: string): string {
  const url = new URL(href);
  url.searchParams.delete(SAMPLE_PARAM);
  return url.href;
}
