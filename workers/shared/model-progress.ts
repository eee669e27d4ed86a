import { errorMessage } from '../../src/core/errors';

/** A model file that could not be fetched: what, from where, and why. */
export class ModelFetchError extends Error {
  override name = 'ModelFetchError';
  constructor(
    readonly url: string,
    readonly status: number | 'network',
  ) {
    const why =
      status === 'network' ? 'the network request failed' : `the server answered HTTP ${status}`;
    super(`Could not download ${url}: ${why}.`);
  }
}

/** Turns a load failure into a sentence that says which file, from where, and what to do. */
export function explainLoadFailure(
  error: unknown,
  lastFailure: ModelFetchError | undefined,
  selfHosted: boolean,
): string {
  const advice = selfHosted
    ? 'The model files should be served by this page under models/; rebuild or redeploy the app.'
    : 'Check the internet connection and reload, or self-host the model files under models/ (see the README).';
  if (lastFailure) return `${lastFailure.message} ${advice}`;
  return `The model could not be loaded (${errorMessage(error)}). ${advice}`;
}
