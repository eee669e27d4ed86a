/**
 * The one way to turn a caught value into a sentence for the person. Thrown values in JS
 * need not be Errors (workers, IndexedDB and libraries throw strings, DOMExceptions, plain
 * objects), and an Error with an empty message would otherwise render as nothing at all.
 */
export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message || e.name || 'Unknown error';
  if (typeof e === 'string') return e;
  if (e !== null && typeof e === 'object' && 'message' in e && typeof e.message === 'string') {
    return e.message;
  }
  return String(e);
}
