import { env } from '@huggingface/transformers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { configureHosting } from './hosting';

describe('model hosting', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('asks for self-hosted files by revision and past the HTTP cache, and for hub files as they are', async () => {
    const calls: [string, RequestInit | undefined][] = [];
    vi.stubGlobal('fetch', (url: string, init?: RequestInit) => {
      calls.push([String(url), init]);
      return Promise.resolve(new Response('{}'));
    });
    configureHosting(
      { host: 'https://huggingface.co', revision: 'r7' },
      { modelRoot: '/app/models/' },
    );
    const hub = 'https://huggingface.co/org/clip/resolve/main/config.json';
    await env.fetch('/app/models/org/clip/onnx/vision_model.onnx', {});
    await env.fetch(hub, {});
    // A large self-hosted file is asked for twice at once (its size, then the file); through
    // the HTTP cache the second request fails. The service worker keeps these files instead.
    expect(calls[0]).toEqual([
      '/app/models/org/clip/onnx/vision_model.onnx?rev=r7',
      { cache: 'no-store' },
    ]);
    expect(calls[1]).toEqual([hub, {}]);
  });
});
