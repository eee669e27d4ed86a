import { describe, expect, it } from 'vitest';
import manifestJson from '../../models/manifest.json';
import {
  assertValidManifest,
  getProfile,
  listProfiles,
  manifestProblems,
  modelFileUrls,
  modelKey,
} from './manifest';

describe('model manifest', () => {
  it('is valid and names both profiles', () => {
    expect(manifestProblems(manifestJson)).toEqual([]);
    const m = assertValidManifest();
    expect(Object.keys(m.profiles).sort()).toEqual(['default', 'tiny-world']);
    for (const p of listProfiles()) {
      expect(p.clip.files.some((f) => f.tower === 'vision')).toBe(true);
      expect(p.aestheticHead.inputDim).toBe(p.clip.embeddingSize);
    }
  });

  it('loads the default profile from the Hub, 8-bit, with separate towers', () => {
    const p = getProfile('default');
    expect(p.clip).toMatchObject({
      id: 'Xenova/clip-vit-base-patch32',
      host: 'https://huggingface.co/',
      embeddingSize: 512,
    });
    expect(p.clip.dtype.wasm).toBe('q8');
    expect(
      p.clip.files
        .map((f) => f.tower)
        .filter(Boolean)
        .sort(),
    ).toEqual(['text', 'vision']);
  });

  it('refuses unknown profiles with the list of known ones', () => {
    expect(() => getProfile('nope')).toThrow(/Known profiles: default, tiny-world/);
  });

  it('reports every problem of a broken manifest at once', () => {
    const broken = structuredClone(manifestJson) as {
      profiles: Record<string, { clip: Record<string, unknown> }>;
    };
    broken.profiles['default']!.clip['host'] = 'ftp://nope';
    broken.profiles['default']!.clip['files'] = [];
    expect(manifestProblems(broken)).toEqual([
      'default: clip.host must be "self" or an http(s) URL ending in "/"',
      'default: no text tower file',
      'default: no vision tower file',
    ]);
    expect(manifestProblems({})).toEqual(['no "profiles" object']);
    expect(manifestProblems({ profiles: { a: null } })).toEqual(['a: missing "clip"']);
  });

  it('stops start-up with a message that names the file and every problem', () => {
    const broken = structuredClone(manifestJson) as {
      profiles: Record<string, { aestheticHead: Record<string, unknown> }>;
    };
    broken.profiles['tiny-world']!.aestheticHead['inputDim'] = 512;
    expect(() => assertValidManifest(broken)).toThrow(
      /^The model manifest \(models\/manifest\.json\) is invalid: tiny-world: aestheticHead\.inputDim 512 differs from clip\.embeddingSize 64\. /,
    );
    expect(() => assertValidManifest('not json')).toThrow(/no "profiles" object/);
  });

  it('keys vectors by model and revision so two revisions never mix', () => {
    expect(modelKey({ id: 'a', revision: '1' })).not.toBe(modelKey({ id: 'a', revision: '2' }));
  });

  it('looks for a file in the app first and at the host second; self-hosted only in the app', () => {
    const head = getProfile('default').aestheticHead;
    expect(modelFileUrls(head, head.file, 'https://me.github.io/lumen/')).toEqual([
      'https://me.github.io/lumen/models/LAION-AI/aesthetic-predictor/sa_0_4_vit_b_32_linear.pth?rev=main',
      'https://raw.githubusercontent.com/LAION-AI/aesthetic-predictor/main/sa_0_4_vit_b_32_linear.pth',
    ]);
    const tiny = getProfile('tiny-world').aestheticHead;
    expect(modelFileUrls(tiny, tiny.file, 'http://127.0.0.1:4173/')).toEqual([
      `http://127.0.0.1:4173/models/tiny-world/aesthetic-head.pth?rev=${tiny.revision}`,
    ]);
  });
});
