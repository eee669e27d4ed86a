import { MODEL_CACHES } from '../../core/cache-names';
import { formatBytes } from '../format';

export interface CachedModel {
  /** e.g. "Xenova/clip-vit-base-patch32" or "tiny-world". */
  name: string;
  bytes: number;
  files: number;
  caches: string[];
}

/** The model a cached URL belongs to: "{org}/{name}" on the Hub, the folder under models/ here. */
export function modelOfUrl(url: string): string {
  const u = new URL(url);
  const parts = u.pathname.split('/').filter(Boolean);
  // GitHub raw files (the LAION head): {owner}/{repo}/{ref}/{file}.
  if (u.host === 'raw.githubusercontent.com' && parts.length >= 2) return `${parts[0]}/${parts[1]}`;
  const resolve = parts.indexOf('resolve');
  if (resolve >= 2) return parts.slice(resolve - 2, resolve).join('/');
  const models = parts.lastIndexOf('models');
  if (models >= 0 && parts.length > models + 2) {
    const rest = parts.slice(models + 1, -1);
    // Hub-style ids have an owner folder; our fixtures are one folder.
    return rest.length >= 2 && rest[1] !== 'onnx' ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  return `${u.host}/${parts.slice(0, -1).join('/')}`;
}

async function sizeOf(response: Response | undefined): Promise<number> {
  if (!response) return 0;
  const header = Number(response.headers.get('content-length'));
  if (header > 0) return header;
  return (await response.blob()).size;
}

export async function listCachedModels(): Promise<CachedModel[]> {
  if (typeof caches === 'undefined') return [];
  const byName = new Map<string, CachedModel>();
  const present = new Set(await caches.keys());
  for (const cacheName of MODEL_CACHES.filter((c) => present.has(c))) {
    const cache = await caches.open(cacheName);
    for (const request of await cache.keys()) {
      const name = modelOfUrl(request.url);
      const entry = byName.get(name) ?? { name, bytes: 0, files: 0, caches: [] };
      entry.bytes += await sizeOf(await cache.match(request));
      entry.files++;
      if (!entry.caches.includes(cacheName)) entry.caches.push(cacheName);
      byName.set(name, entry);
    }
  }
  return [...byName.values()].sort((a, b) => b.bytes - a.bytes);
}

export async function deleteCachedModel(name: string): Promise<void> {
  for (const cacheName of MODEL_CACHES) {
    if (!(await caches.has(cacheName))) continue;
    const cache = await caches.open(cacheName);
    for (const request of await cache.keys()) {
      if (modelOfUrl(request.url) === name) await cache.delete(request);
    }
  }
}

export function describeCached(m: CachedModel): string {
  return `${m.name}: ${formatBytes(m.bytes)} in ${m.files} file${m.files === 1 ? '' : 's'}`;
}
