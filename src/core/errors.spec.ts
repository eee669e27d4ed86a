import { describe, expect, it } from 'vitest';
import { errorMessage } from './errors';

describe('errorMessage', () => {
  it('gives the message of an Error, and its name when the message is empty', () => {
    expect(errorMessage(new Error('disk full'))).toBe('disk full');
    expect(errorMessage(new DOMException('', 'QuotaExceededError'))).toBe('QuotaExceededError');
  });

  it('turns other thrown values into readable text', () => {
    expect(errorMessage('plain text')).toBe('plain text');
    expect(errorMessage({ message: 'from a worker' })).toBe('from a worker');
    expect(errorMessage(42)).toBe('42');
    expect(errorMessage(undefined)).toBe('undefined');
  });
});
