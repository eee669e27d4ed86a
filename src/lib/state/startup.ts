import { assertValidManifest } from '../../core/manifest';
import { errorMessage } from '../../core/errors';

/**
 * Why the page cannot start, or null; without an argument it checks the bundled
 * manifest. A broken one would otherwise surface as a half-drawn page or a failure
 * deep inside a worker.
 */
export function manifestProblem(manifest?: unknown): string | null {
  try {
    assertValidManifest(manifest);
    return null;
  } catch (e) {
    return `Lumen cannot start. ${errorMessage(e)}`;
  }
}
