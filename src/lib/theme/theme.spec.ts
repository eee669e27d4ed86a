import { describe, expect, it } from 'vitest';
import { memoryStorage } from '../state/test-storage';
import { THEME_KEY, applyChoice, loadChoice, parseChoice, resolveTheme, saveChoice } from './theme';
import { ThemeState } from './theme.svelte';

describe('the theme choice', () => {
  it('reads only light and dark back; anything else is the system theme', () => {
    expect(parseChoice('light')).toBe('light');
    expect(parseChoice('dark')).toBe('dark');
    for (const v of [null, undefined, '', 'system', 'Dark', 'sepia'])
      expect(parseChoice(v)).toBe('system');
  });

  it('is stored across reloads, system as no entry', () => {
    const storage = memoryStorage();
    expect(loadChoice(storage)).toBe('system');
    saveChoice(storage, 'dark');
    expect(storage.data.get(THEME_KEY)).toBe('dark');
    expect(loadChoice(storage)).toBe('dark');
    saveChoice(storage, 'system');
    expect(storage.data.has(THEME_KEY)).toBe(false);
    expect(loadChoice(storage)).toBe('system');
  });

  it('falls back to the system theme where storage refuses', () => {
    const refusing = {
      getItem: () => {
        throw new DOMException('denied', 'SecurityError');
      },
      setItem: () => {
        throw new DOMException('full', 'QuotaExceededError');
      },
      removeItem: () => {},
    };
    expect(loadChoice(refusing)).toBe('system');
    expect(() => saveChoice(refusing, 'light')).not.toThrow();
    expect(loadChoice(undefined)).toBe('system');
  });

  it('resolves system by the colour scheme the system prefers, and the others as chosen', () => {
    expect(resolveTheme('system', true)).toBe('dark');
    expect(resolveTheme('system', false)).toBe('light');
    expect(resolveTheme('light', true)).toBe('light');
    expect(resolveTheme('dark', false)).toBe('dark');
  });

  it('is shown as data-theme on the root element', () => {
    const root = { dataset: {} } as HTMLElement;
    applyChoice(root, 'dark');
    expect(root.dataset.theme).toBe('dark');
  });

  it('as page state, starts from the stored choice, and a change is stored and shown', () => {
    const storage = memoryStorage({ [THEME_KEY]: 'light' });
    const root = { dataset: {} } as HTMLElement;
    const theme = new ThemeState(root, storage as unknown as Storage);
    expect(theme.choice).toBe('light');
    expect(root.dataset.theme).toBe('light');
    theme.choice = 'dark';
    expect(theme.theme).toBe('dark');
    expect(root.dataset.theme).toBe('dark');
    expect(storage.data.get(THEME_KEY)).toBe('dark');
    // A fresh page (a reload) sees the stored choice.
    expect(
      new ThemeState({ dataset: {} } as HTMLElement, storage as unknown as Storage).choice,
    ).toBe('dark');
  });
});
