import type { IndexingManager } from '../state/indexing.svelte';
import { rootNameOf, sourcesFromDirectoryHandle, sourcesFromFileList } from './collect-files';

interface DirectoryPickerWindow {
  showDirectoryPicker?: (options?: { mode?: 'read' }) => Promise<FileSystemDirectoryHandle>;
}

/**
 * "Add a folder", as the Add photos bar does it: the folder picker where the browser has one
 * (its handle lets Lumen read the folder again), else the `<input webkitdirectory>` given.
 * Resolves once the folder's files are handed to indexing.
 */
export async function pickFolder(
  indexing: IndexingManager,
  fallback: HTMLInputElement,
  onCollecting: (collecting: boolean) => void = () => undefined,
): Promise<void> {
  const picker = (window as Window & DirectoryPickerWindow).showDirectoryPicker;
  if (!picker) {
    fallback.click();
    return;
  }
  let handle: FileSystemDirectoryHandle;
  try {
    handle = await picker({ mode: 'read' });
  } catch {
    return; // The person closed the picker.
  }
  onCollecting(true);
  try {
    await indexing.addSources(await sourcesFromDirectoryHandle(handle), handle.name, handle);
  } finally {
    onCollecting(false);
  }
}

/**
 * The files a file `<input>` was given (a `webkitdirectory` folder's, or loose photos), handed to
 * indexing, and the input cleared.
 */
export async function addPicked(indexing: IndexingManager, input: HTMLInputElement): Promise<void> {
  const files = Array.from(input.files ?? []);
  input.value = '';
  const sources = sourcesFromFileList(files);
  await indexing.addSources(sources, rootNameOf(sources));
}
