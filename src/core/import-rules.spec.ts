import { ESLint } from 'eslint';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// The one-way layering is only real if `npm run check` fails on a wrong-way import. These lint
// snippets as if they were files at the given paths, with the project's own eslint.config.js.
const root = path.resolve(import.meta.dirname, '../..');
const eslint = new ESLint({ cwd: root });

async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, filePath) });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'no-restricted-imports')
    .map((m) => m.message);
}

describe('import rules', () => {
  it('stop the shared layer from importing workers or page code', async () => {
    const fromWorker = await restrictedImports(
      'src/core/store/db.ts',
      "import type { Pixels } from '../../../workers/aesthetics/pixel-stats';\nexport type P = Pixels;\n",
    );
    expect(fromWorker.join()).toMatch(/shared layer/);
    const fromPage = await restrictedImports(
      'src/core/manifest.ts',
      "import { formatBytes } from '../lib/format';\nexport const f = formatBytes;\n",
    );
    expect(fromPage.join()).toMatch(/shared layer/);
  }, 120_000);

  it('let the page import protocols but not worker internals', async () => {
    const internal = await restrictedImports(
      'src/lib/state/ranking.svelte.ts',
      "import { rerank } from '../../../workers/search/rerank';\nexport const r = rerank;\n",
    );
    expect(internal.join()).toMatch(/only worker protocols/);
    const protocol = await restrictedImports(
      'src/lib/state/ranking.svelte.ts',
      "import { DEFAULT_RANK } from '../../../workers/search/protocol';\nexport const r = DEFAULT_RANK;\n",
    );
    expect(protocol).toEqual([]);
  }, 120_000);

  it('stop workers from importing page code, and protocols from importing implementations', async () => {
    const page = await restrictedImports(
      'workers/search/handler.ts',
      "import { formatBytes } from '../../src/lib/format';\nexport const f = formatBytes;\n",
    );
    expect(page.join()).toMatch(/never page code/);
    const impl = await restrictedImports(
      'workers/search/protocol.ts',
      "import type { ScoreIndex } from './rerank';\nexport type S = ScoreIndex;\n",
    );
    expect(impl.join()).toMatch(/protocol owns its types/);
    const shared = await restrictedImports(
      'workers/search/protocol.ts',
      "import type { Device } from '../../src/core/manifest';\nexport type D = Device;\n",
    );
    expect(shared).toEqual([]);
  }, 120_000);
});
