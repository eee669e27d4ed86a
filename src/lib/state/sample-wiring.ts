import { getProfile } from '../../core/manifest';
import {
  asksForSample,
  SAMPLE_PROFILE,
  sampleFile,
  sampleHref,
  withoutSampleRequest,
} from '../../core/sample-library';
import type { FoldersManager } from './folders.svelte';
import { LAST_QUERY_KEY } from './last-query';
import type { LibraryIoManager } from './library-io.svelte';
import type { LibraryManager } from './library.svelte';
import { browserStorage } from './persisted-setting.svelte';
import { readWithProgress, removeFolderNow, SampleLibrary } from './sample.svelte';

/**
 * The sample library wired to this page: its export fetched beside the app, imported and removed
 * through the library's own import and folder removal, and the address bar for `?sample=try` and
 * the switch between profiles.
 */
export function pageSample(page: {
  profileId: string;
  /** The app's own address, which the sample's export is fetched beside. */
  appBase: string;
  libraryIo: LibraryIoManager;
  library: LibraryManager;
  folders: FoldersManager;
}): SampleLibrary {
  const { libraryIo, library, folders } = page;
  return new SampleLibrary({
    profileId: page.profileId,
    download: async (onProgress) =>
      readWithProgress(
        await fetch(new URL(sampleFile(getProfile(SAMPLE_PROFILE)), page.appBase)),
        onProgress,
      ),
    importZip: (zip) => libraryIo.importZip(zip),
    importError: () => libraryIo.error,
    importStatus: () => libraryIo.status,
    photos: () => library.stats.photos,
    folders: () => folders.folders,
    removeFolder: (name) => removeFolderNow(folders, name),
    forgetQuery: () => browserStorage()?.removeItem(LAST_QUERY_KEY),
    openProfile: (id, trySample) => location.assign(sampleHref(location.href, id, trySample)),
    requested: () => asksForSample(location.href),
    forgetRequest: () =>
      history.replaceState(history.state, '', withoutSampleRequest(location.href)),
  });
}
