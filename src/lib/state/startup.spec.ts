import { describe, expect, it } from 'vitest';
import manifestJson from '../../../models/manifest.json';
import { manifestProblem } from './startup';

describe('start-up manifest check', () => {
  it('lets the shipped manifest through', () => {
    expect(manifestProblem()).toBeNull();
    expect(manifestProblem(manifestJson)).toBeNull();
  });

  it('explains an invalid manifest instead of starting', () => {
    const broken = structuredClone(manifestJson) as {
      profiles: Record<string, { clip: Record<string, unknown> }>;
    };
    broken.profiles['tiny-world']!.clip['embeddingSize'] = 0;
    const problem = manifestProblem(broken);
    expect(problem).toMatch(
      /^Lumen cannot start\. The model manifest \(models\/manifest\.json\) is invalid/,
    );
    expect(problem).toMatch(/tiny-world: clip\.embeddingSize must be positive/);
    expect(manifestProblem(null)).toMatch(/no "profiles"/);
  });
});
