import { DEFAULT_PROFILE, listProfiles, type Device } from '../../core/manifest';

export const PROFILE_KEY = 'lumen.profile';

export interface StartupSettings {
  profileId: string;
  device: Device | 'auto';
  /** Set when the URL named a profile that does not exist. */
  warning?: string;
}

/**
 * The profile comes from `?profile=` (and is then remembered), else from what was
 * remembered, else the default. One build serves every profile.
 */
export function resolveSettings(
  url: URL,
  stored: Pick<Storage, 'getItem' | 'setItem'>,
): StartupSettings {
  const known = new Set(listProfiles().map((p) => p.id));
  const fromUrl = url.searchParams.get('profile');
  const device = url.searchParams.get('device');
  const deviceChoice: Device | 'auto' = device === 'wasm' || device === 'webgpu' ? device : 'auto';
  if (fromUrl && known.has(fromUrl)) {
    stored.setItem(PROFILE_KEY, fromUrl);
    return { profileId: fromUrl, device: deviceChoice };
  }
  const remembered = stored.getItem(PROFILE_KEY);
  const profileId = remembered && known.has(remembered) ? remembered : DEFAULT_PROFILE;
  return {
    profileId,
    device: deviceChoice,
    ...(fromUrl
      ? { warning: `There is no model profile called "${fromUrl}"; using "${profileId}".` }
      : {}),
  };
}
