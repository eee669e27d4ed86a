import { readFileSync } from 'node:fs';
import type { Plugin } from 'vite';
import { contentSecurityPolicy, policyDirectives } from '../src/core/csp.ts';
import type { Manifest } from '../src/core/manifest.ts';

/** The manifest as the build reads it; the service worker imports the same file. */
export const manifest = JSON.parse(
  readFileSync(new URL('../models/manifest.json', import.meta.url), 'utf8'),
) as Manifest;

/** The policy every build enforces, as a header (with frame-ancestors) or a meta tag. */
export const policy = (header: boolean) => contentSecurityPolicy({ header, manifest });

export const CSP_META = 'Content-Security-Policy';

/** The `_headers` file that Netlify and Cloudflare Pages read: the same headers as `vite preview`. */
export function headersFile(): string {
  return [
    '/*',
    '  Cross-Origin-Opener-Policy: same-origin',
    '  Cross-Origin-Embedder-Policy: require-corp',
    `  Content-Security-Policy: ${policy(true)}`,
    '',
  ].join('\n');
}

/** The tag every build's index.html carries (a meta policy has no frame-ancestors). */
export function cspMetaTag(): string {
  return `<meta http-equiv="${CSP_META}" content="${policy(false)}" />`;
}

/**
 * The dev server's policy, report-only: Vite injects each module's CSS as a <style> element
 * and reloads through a websocket, neither of which the built app does. Reports in the console
 * still show anything else the enforced policy would refuse.
 */
export function devReportOnlyPolicy(): string {
  return policyDirectives({ header: true, manifest })
    .map(([name, values]) => {
      if (name === 'style-src') values = [...values, "'unsafe-inline'"];
      if (name === 'connect-src') values = [...values, 'ws:', 'wss:'];
      return `${name} ${values.join(' ')}`;
    })
    .join('; ');
}

/**
 * Every build's index.html gets the policy as its first <head> element (before any script or
 * stylesheet it governs), and `_headers` for hosts that read one. Not the dev server: a meta
 * policy cannot be report-only, and it would block Vite's injected styles.
 */
export function cspPlugin(): Plugin {
  return {
    name: 'lumen-csp',
    apply: 'build',
    // Right after <meta charset>, before any script or stylesheet that it governs.
    transformIndexHtml: (html) => {
      const charset = /<meta charset="[^"]*"\s*\/?>/i;
      if (!charset.test(html)) throw new Error('index.html needs a <meta charset> first in <head>');
      return html.replace(charset, (tag) => `${tag}\n    ${cspMetaTag()}`);
    },
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: '_headers', source: headersFile() });
    },
  };
}
