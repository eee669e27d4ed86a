import { describe, expect, it } from 'vitest';
import { PersistedSetting, textCodec, type SettingStorage } from './persisted-setting.svelte';
import { memoryStorage } from './test-storage';

const isSmallInt = (v: unknown) =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 10 ? v : undefined;

describe('persisted setting', () => {
  it('restores a valid stored value and persists what is set', () => {
    const storage = memoryStorage({ k: '7' });
    const s = new PersistedSetting({ key: 'k', fallback: 3, validate: isSmallInt, storage });
    expect(s.value).toBe(7);
    s.value = 9;
    expect(storage.data.get('k')).toBe('9');
    const again = new PersistedSetting({ key: 'k', fallback: 3, validate: isSmallInt, storage });
    expect(again.value).toBe(9);
  });

  it('rejects corrupt, wrongly typed or out-of-range stored values', () => {
    for (const raw of ['{nope', '"7"', '11', '-1', 'null']) {
      const storage = memoryStorage({ k: raw });
      const s = new PersistedSetting({ key: 'k', fallback: 3, validate: isSmallInt, storage });
      expect(s.value, raw).toBe(3);
    }
  });

  it('reads and writes bare strings with the text codec', () => {
    const storage = memoryStorage({ p: 'tiny-world' });
    const known = (v: unknown) => (v === 'tiny-world' || v === 'default' ? v : undefined);
    const s = new PersistedSetting({
      key: 'p',
      fallback: 'default',
      validate: known,
      codec: textCodec,
      storage,
    });
    expect(s.value).toBe('tiny-world');
    s.value = 'default';
    expect(storage.data.get('p')).toBe('default');
  });

  it('reset forgets the stored value', () => {
    const storage = memoryStorage({ k: '5' });
    const s = new PersistedSetting({ key: 'k', fallback: 3, validate: isSmallInt, storage });
    s.reset();
    expect(s.value).toBe(3);
    expect(storage.data.has('k')).toBe(false);
  });

  it('keeps working for the visit when storage throws or is missing', () => {
    const failing: SettingStorage = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
      removeItem: () => {
        throw new Error('SecurityError');
      },
    };
    const s = new PersistedSetting({
      key: 'k',
      fallback: 3,
      validate: isSmallInt,
      storage: failing,
    });
    expect(s.value).toBe(3);
    s.value = 4;
    expect(s.value).toBe(4);
    const none = new PersistedSetting({
      key: 'k',
      fallback: 3,
      validate: isSmallInt,
      storage: null,
    });
    none.value = 5;
    expect(none.value).toBe(5);
  });
});
