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
  // Same-origin resources must say they may be embedded under require-corp.
  if (!headers.has('Cross-Origin-Resource-Policy'))
    headers.set('Cross-Origin-Resource-Policy', 'same-origin');
  return new Response(response.body, {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
}
