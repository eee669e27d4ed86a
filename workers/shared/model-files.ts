import { ModelFetchError, explainLoadFailure } from './model-progress';

/**
 * Fetches a model file from the first place that has it: the app's own models/ folder
 * (self-hosted), then the model's host. A 404 at the first place only means "not
 * self-hosted"; anything else is reported with the file and the place.
 */
export async function fetchFirst(
  urls: string[],
  selfHosted: boolean,
  fetcher: typeof fetch = fetch,
  cache: Pick<Cache, 'match' | 'put'> | null = null,
): Promise<Uint8Array> {
  let failure: ModelFetchError | undefined;
  // A file downloaded before is used from the cache: it works offline and shows in the Models panel.
  for (const url of urls) {
    const hit = await cache?.match(url).catch(() => undefined);
    if (hit) return new Uint8Array(await hit.arrayBuffer());
  }
  for (const [i, url] of urls.entries()) {
    const last = i === urls.length - 1;
    let res: Response;
    try {
      res = await fetcher(url);
    } catch (e) {
      failure = new ModelFetchError(url, 'network');
      if (last) throw new Error(explainLoadFailure(e, failure, selfHosted), { cause: e });
      continue;
    }
    if (res.ok) {
      const bytes = new Uint8Array(await res.arrayBuffer());
      const copy = new Response(bytes, { headers: { 'Content-Length': String(bytes.length) } });
      await cache?.put(url, copy).catch(() => undefined);
      return bytes;
    }
    if (!(res.status === 404 && !last)) failure = new ModelFetchError(url, res.status);
  }
  throw new Error(explainLoadFailure(undefined, failure, selfHosted));
}
