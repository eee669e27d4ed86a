import { describe, expect, it } from 'vitest';
import manifestJson from '../../models/manifest.json';
import { contentSecurityPolicy } from '../../src/core/csp';
import type { Manifest } from '../../src/core/manifest';

const manifest = manifestJson as Manifest;
import { withIsolationHeaders } from './isolation';

describe('the service worker’s headers', () => {
  it('add the enforced policy to what it serves: documents and worker scripts alike', () => {
    const page = withIsolationHeaders(
      new Response('<!doctype html>', { headers: { 'Content-Type': 'text/html' } }),
    );
    const worker = withIsolationHeaders(
      new Response('postMessage(1)', { headers: { 'Content-Type': 'text/javascript' } }),
    );
    for (const response of [page, worker]) {
      expect(response.headers.get('Content-Security-Policy')).toBe(
        contentSecurityPolicy({ header: true, manifest }),
      );
      expect(response.headers.get('Cross-Origin-Embedder-Policy')).toBe('require-corp');
    }
  });

  it('replace a looser policy that a host sent', () => {
    const served = withIsolationHeaders(
      new Response('', { headers: { 'Content-Security-Policy': 'default-src *' } }),
    );
    expect(served.headers.get('Content-Security-Policy')).not.toContain('*');
  });
});
