import type { Manifest, Profile } from './manifest';

/**
 * Lumen's Content-Security-Policy (docs/privacy.md): the browser, not only the code, keeps
 * every byte on the device. The same policy is delivered four ways (the page's meta tag, the
 * service worker's header on documents and worker scripts, `vite preview`'s header and
 * the built _headers), so it is computed here, once, from the manifest. No value import: the
 * Vite config loads this file, and the manifest comes in as an argument.
 */

/**
 * Where WebLLM's prebuilt models come from (web-llm's prebuiltAppConfig): weights on Hugging
 * Face, compiled model libraries (.wasm) on GitHub's raw host. The manifest names only the
 * model ids, so the hosts are listed here.
 */
export const WEBLLM_HOSTS = ['https://huggingface.co', 'https://raw.githubusercontent.com'];

/**
 * Hugging Face answers a model file's /resolve/ URL with a redirect to one of its CDNs (LFS
 * files, and Xet-stored files since 2025), and connect-src is checked again after each
 * redirect. Taken from Hugging Face's documentation and observed downloads; these tests cannot
 * reach the hub, so a host it adds later shows as a failed download and a violation report.
 */
export const HUGGING_FACE_CDN_HOSTS = [
  'https://cdn-lfs.huggingface.co',
  'https://cdn-lfs-us-1.huggingface.co',
  'https://cdn-lfs-eu-1.huggingface.co',
  'https://cdn-lfs.hf.co',
  'https://cdn-lfs-us-1.hf.co',
  'https://cdn-lfs-eu-1.hf.co',
  'https://cas-bridge.xethub.hf.co',
];

const HUGGING_FACE = 'https://huggingface.co';

/** Every host any profile downloads from (its origin only; "self" adds none). */
export function profileHosts(profiles: Omit<Profile, 'id'>[]): string[] {
  const hosts: string[] = [];
  for (const p of profiles) {
    const specs = [p.clip, p.aestheticHead, p.llm?.transformers, p.llm?.webllm];
    for (const spec of specs) {
      if (spec && spec.host !== 'self') hosts.push(new URL(spec.host).origin);
    }
    if (p.llm?.webllm) hosts.push(...WEBLLM_HOSTS);
  }
  return hosts;
}

/**
 * connect-src: the app's origin, every profile's model hosts (the profile is picked in the
 * page, by URL or setting, which neither the meta tag nor the service worker can see), and
 * Hugging Face's CDNs when any model comes from Hugging Face. Nothing else.
 */
export function connectSources(manifest: Manifest): string[] {
  const hosts = [...new Set(profileHosts(Object.values(manifest.profiles)))].sort();
  if (hosts.includes(HUGGING_FACE)) hosts.push(...HUGGING_FACE_CDN_HOSTS);
  return ["'self'", ...hosts];
}

export interface PolicyOptions {
  /**
   * `frame-ancestors` is ignored (and warned about) in a meta tag: only a header can keep the
   * app out of foreign frames.
   */
  header: boolean;
  /** models/manifest.json: imported by the service worker, read from disk by the build. */
  manifest: Manifest;
}

/** The directives, in order; each loosening beyond the baseline says why. */
export function policyDirectives({ header, manifest }: PolicyOptions): [string, string[]][] {
  const directives: [string, string[]][] = [
    ['default-src', ["'none'"]],
    // 'wasm-unsafe-eval' compiles WebAssembly (ONNX Runtime, the scan kernels, libheif,
    // WebLLM's model libraries) without allowing eval or new Function.
    ['script-src', ["'self'", "'wasm-unsafe-eval'"]],
    ['worker-src', ["'self'"]],
    ['connect-src', connectSources(manifest)],
    // blob: thumbnails and the photo viewer; data: for small inline images of dependencies.
    ['img-src', ["'self'", 'blob:', 'data:']],
    ['style-src', ["'self'"]],
    ['manifest-src', ["'self'"]],
    ['object-src', ["'none'"]],
    ['base-uri', ["'none'"]],
    ['form-action', ["'none'"]],
  ];
  if (header) directives.push(['frame-ancestors', ["'none'"]]);
  return directives;
}

export function contentSecurityPolicy(options: PolicyOptions): string {
  return policyDirectives(options)
    .map(([name, values]) => `${name} ${values.join(' ')}`)
    .join('; ');
}
