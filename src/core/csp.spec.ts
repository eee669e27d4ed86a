import { describe, expect, it } from 'vitest';
import type { Manifest } from './manifest';
import manifestJson from '../../models/manifest.json';
import { HUGGING_FACE_CDN_HOSTS, connectSources, contentSecurityPolicy } from './csp';
import { cspMetaTag, devReportOnlyPolicy, headersFile } from '../../build/vite-plugin-csp';

const tinyWorld = (manifestJson as Manifest).profiles['tiny-world']!;
// Every file of the tiny-world profile is self-hosted.
const selfOnly: Manifest = { version: 1, profiles: { 'tiny-world': tinyWorld } };

describe('the Content-Security-Policy', () => {
  it('lets the page connect only to its origin and the hosts of every profile', () => {
    const sources = connectSources(manifestJson as Manifest);
    expect(sources).toContain("'self'");
    // The default profile's CLIP and LLM (Hugging Face), the aesthetic head and WebLLM's
    // model libraries (GitHub's raw host), and Hugging Face's download CDNs.
    expect(sources).toContain('https://huggingface.co');
    expect(sources).toContain('https://raw.githubusercontent.com');
    for (const cdn of HUGGING_FACE_CDN_HOSTS) expect(sources).toContain(cdn);
    expect(new Set(sources).size).toBe(sources.length);
    expect(sources.every((s) => s === "'self'" || /^https:\/\/[a-z0-9.-]+$/.test(s))).toBe(true);
  });

  it('adds no host for self-hosted models, and no CDN without Hugging Face', () => {
    expect(tinyWorld.clip.host).toBe('self');
    expect(connectSources(selfOnly)).toEqual(["'self'"]);
  });

  it('allows no eval and no inline script or style, and keeps the app out of frames', () => {
    const header = contentSecurityPolicy({ header: true, manifest: manifestJson as Manifest });
    expect(header).toMatch(/^default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; /);
    expect(header).not.toMatch(/'unsafe-eval'|'unsafe-inline'|\*/);
    expect(header).toContain("frame-ancestors 'none'");
    // A meta policy cannot hold frame-ancestors (browsers ignore it there, with a warning).
    expect(
      contentSecurityPolicy({ header: false, manifest: manifestJson as Manifest }),
    ).not.toContain('frame-ancestors');
    expect(cspMetaTag()).toContain(
      contentSecurityPolicy({ header: false, manifest: manifestJson as Manifest }),
    );
    expect(headersFile()).toContain(`Content-Security-Policy: ${header}\n`);
  });

  it("gives the dev server a report-only policy that allows Vite's styles and websocket", () => {
    const dev = devReportOnlyPolicy();
    expect(dev).toContain("style-src 'self' 'unsafe-inline'");
    expect(dev).toMatch(/connect-src [^;]* ws: wss:/);
    expect(dev).not.toContain("'unsafe-eval'");
  });
});
