/** The permission half of the File System Access API, which TypeScript's DOM types lack. */
interface PermissionedHandle {
  queryPermission?(d: { mode: 'read' }): Promise<PermissionState>;
  requestPermission?(d: { mode: 'read' }): Promise<PermissionState>;
}

/**
 * Whether the page may read a stored handle. Asking (which shows a prompt) is only
 * allowed in response to a click, so callers say whether they may ask.
 */
export async function canRead(handle: FileSystemHandle, mayAsk: boolean): Promise<boolean> {
  const h = handle as FileSystemHandle & PermissionedHandle;
  try {
    if ((await h.queryPermission?.({ mode: 'read' })) === 'granted') return true;
    return mayAsk && (await h.requestPermission?.({ mode: 'read' })) === 'granted';
  } catch {
    return false;
  }
}
