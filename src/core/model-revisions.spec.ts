import { describe, expect, it } from 'vitest';
import type { Manifest } from './manifest';
import { isCurrentModelUrl, withRevision } from './model-revisions';

const manifest = {
  version: 1,
  profiles: {
    tiny: {
      clip: { id: 'tiny-world', revision: '2' },
      aestheticHead: { id: 'tiny-world', revision: '2' },
      llm: { webllm: null, transformers: { id: 'tiny-llm', revision: '5' } },
    },
  },
} as unknown as Manifest;

const at = (path: string) => new URL(path, 'https://me.github.io');

describe('self-hosted model revisions', () => {
  it('gives a redeployed revision a new URL, for paths and absolute URLs alike', () => {
    expect(withRevision('/models/tiny-world/config.json', '2')).toBe(
      '/models/tiny-world/config.json?rev=2',
    );
    expect(withRevision('/models/a.json', '2')).not.toBe(withRevision('/models/a.json', '3'));
    expect(withRevision('https://x/models/a.json?download=1', 'v 1')).toBe(
      'https://x/models/a.json?download=1&rev=v%201',
    );
  });

  it('keeps cached files of revisions the manifest lists and drops the rest', () => {
    const current = (p: string) => isCurrentModelUrl(at(p), '/lumen/models/', manifest);
    expect(current('/lumen/models/tiny-world/onnx/vision_model.onnx?rev=2')).toBe(true);
    expect(current('/lumen/models/tiny-llm/config.json?rev=5')).toBe(true);
    // An older revision, a file cached before revisions were in URLs, a model no longer listed.
    expect(current('/lumen/models/tiny-world/onnx/vision_model.onnx?rev=1')).toBe(false);
    expect(current('/lumen/models/tiny-world/config.json')).toBe(false);
    expect(current('/lumen/models/gone/config.json?rev=2')).toBe(false);
    // A folder whose name merely starts like a model's is another model.
    expect(current('/lumen/models/tiny-world-2/config.json?rev=2')).toBe(false);
    expect(current('/other/models/tiny-world/config.json?rev=2')).toBe(false);
  });
});
