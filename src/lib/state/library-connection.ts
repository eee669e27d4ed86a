import { LibraryConnection } from '../../core/store/db';
import type { Notice } from './notice.svelte';

const BLOCKED_MESSAGE =
  'Another Lumen tab is using an older version of the library; close it or reload it. This tab carries on as soon as it lets go.';

/**
 * The library database as the page opens it, saying in the notice bar what another tab's
 * version of Lumen does to it: an upgrade from a newer tab (this tab stepped aside), or an older
 * tab holding it open (shown while this tab waits, cleared once it opened).
 */
export function noticedConnection(notice: Notice): LibraryConnection {
  return new LibraryConnection(
    undefined,
    undefined,
    () =>
      notice.show(
        'Another Lumen tab is updating the library. If anything here stops working, reload this page.',
      ),
    (waiting) => {
      if (waiting) notice.show(BLOCKED_MESSAGE);
      else if (notice.message === BLOCKED_MESSAGE) notice.clear();
    },
  );
}
