/**
 * Places: what the page, the service worker and the workers share about turning a GPS
 * position into a place name (docs/places.md). The lookup itself is workers/places.
 */

/** Where a photo was taken, in words. */
export interface PlaceName {
  /** The town or city, as GeoNames names it (e.g. "Lisbon", "Reykjavík"). */
  place: string;
  /** A region people write after the town: US states only ("OR" in Portland, OR). */
  region?: string;
  /** ISO 3166-1 alpha-2 code, e.g. "PT"; countryName() says it in words. */
  country: string;
}

/** The place data, under the app's base URL (committed; built by scripts/build-places.mjs). */
export const PLACES_DATA_FILE = 'places/cities.bin';
/** The data's revision, written by the build script: a new revision is a new cached file. */
export const PLACES_DATA_REVISION = 'f50827293a07';
/** The service worker's cache for the place data, kept apart from model files. */
export const PLACES_CACHE = 'lumen-places';

/** The data's URL under the app's base (an absolute URL), with its revision. */
export function placesDataUrl(appBase: string): string {
  const url = new URL(PLACES_DATA_FILE, appBase);
  url.searchParams.set('rev', PLACES_DATA_REVISION);
  return url.href;
}

/** Whether a URL is the place data of this build (older revisions are dropped from the cache). */
export function isCurrentPlacesUrl(url: URL, appBasePath: string): boolean {
  return (
    url.pathname === `${appBasePath}${PLACES_DATA_FILE}` &&
    url.searchParams.get('rev') === PLACES_DATA_REVISION
  );
}

const displayNames = new Map<string, Intl.DisplayNames>();

/**
 * A country's name in the person's language ("PT" → "Portugal", or "Portogallo" in Italian);
 * the code itself where the browser does not know it.
 */
export function countryName(code: string, locale?: string): string {
  try {
    const key = locale ?? '';
    let names = displayNames.get(key);
    if (!names) {
      names = new Intl.DisplayNames(locale, { type: 'region', fallback: 'code' });
      displayNames.set(key, names);
    }
    return names.of(code.toUpperCase()) ?? code;
  } catch {
    // A malformed code or locale (RangeError): the code is still better than nothing.
    return code;
  }
}

/** A place as a line of text: "Portland, OR, United States", "Lisbon, Portugal". */
export function formatPlace(place: PlaceName, locale?: string): string {
  return [place.place, place.region, countryName(place.country, locale)].filter(Boolean).join(', ');
}
