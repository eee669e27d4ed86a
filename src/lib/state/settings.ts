import { DEFAULT_PROFILE, listProfiles, type Device } from '../../core/manifest';
import { PersistedSetting, textCodec, type SettingStorage } from './persisted-setting.svelte';

export const PROFILE_KEY = 'lumen.profile';

export interface StartupSettings {
  profileId: string;
  device: Device | 'auto';
  /** Set when the URL named a profile that does not exist. */
  warning?: string;
}

/** The remembered model profile; a profile the manifest no longer has is ignored. */
export function profileSetting(storage?: SettingStorage | null): PersistedSetting<string> {
  const known = new Set(listProfiles().map((p) => p.id));
  return new PersistedSetting({
    key: PROFILE_KEY,
    fallback: DEFAULT_PROFILE,
    codec: textCodec,
    validate: (v) => (typeof v === 'string' && known.has(v) ? v : undefined),
    ...(storage === undefined ? {} : { storage }),
  });
}

/**
 * The profile comes from `?profile=` (and is then remembered), else from what was
 * remembered, else the default. One build serves every profile.
 */
export function resolveSettings(url: URL, profile: PersistedSetting<string>): StartupSettings {
  const known = new Set(listProfiles().map((p) => p.id));
  const fromUrl = url.searchParams.get('profile');
  const device = url.searchParams.get('device');
  const deviceChoice: Device | 'auto' = device === 'wasm' || device === 'webgpu' ? device : 'auto';
  if (fromUrl && known.has(fromUrl)) {
    profile.value = fromUrl;
    return { profileId: fromUrl, device: deviceChoice };
  }
  return {
    profileId: profile.value,
    device: deviceChoice,
    ...(fromUrl
      ? { warning: `There is no model profile called "${fromUrl}"; using "${profile.value}".` }
      : {}),
  };
}

/**
 * The page's address on another profile: the same page and view (the #hash, see
 * router.svelte.ts), its `?profile=` replaced.
 */
export function profileHref(href: string, profileId: string): string {
  const url = new URL(href);
  url.searchParams.set('profile', profileId);
  return url.href;
}
