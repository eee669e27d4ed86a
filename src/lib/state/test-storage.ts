import type { SettingStorage } from './persisted-setting.svelte';

/** An in-memory Web Storage for specs; `data` shows what was written. */
export function memoryStorage(initial: Record<string, string> = {}): SettingStorage & {
  data: Map<string, string>;
} {
  const data = new Map(Object.entries(initial));
  return {
    getItem: (k) => data.get(k) ?? null,
    setItem: (k, v) => void data.set(k, v),
    removeItem: (k) => void data.delete(k),
    data,
  };
}
