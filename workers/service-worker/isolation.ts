import manifestJson from '../../models/manifest.json';
import { contentSecurityPolicy } from '../../src/core/csp';
import type { Manifest } from '../../src/core/manifest';

const CONTENT_SECURITY_POLICY = contentSecurityPolicy({
  header: true,
  manifest: manifestJson as Manifest,
});

/**
 * Static hosts such as GitHub Pages cannot send COOP/COEP headers, so the page would
 * not be cross-origin isolated and ONNX Runtime would run single-threaded. A service
 * worker may add those headers to the responses it serves: once it controls the page,
 * the page is isolated.
 */
export function withIsolationHeaders(response: Response): Response {
  // Opaque and error responses cannot be rebuilt; redirects must stay as they are.
  if (response.status === 0 || response.type === 'opaque' || response.type === 'opaqueredirect') {
    return response;
  }
  const headers = new Headers(response.headers);
  headers.set('Cross-Origin-Opener-Policy', 'same-origin');
  headers.set('Cross-Origin-Embedder-Policy', 'require-corp');
  // Documents and worker scripts: a dedicated worker takes its policy from its own script's
  // response, not from the page. On other responses the header has no effect.
  headers.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  // Same-origin resources must say they may be embedded under require-corp.
  if (!headers.has('Cross-Origin-Resource-Policy'))
    headers.set('Cross-Origin-Resource-Policy', 'same-origin');
  return new Response(response.body, {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
}
