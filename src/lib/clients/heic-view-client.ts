import type { HeicViewApi } from '../../../workers/heic-view/protocol';
import { WorkerBridge } from './worker-bridge';

/** Long side of the copy the viewer shows: sharp on a large screen, a few MB at most. */
export const SCREEN_SIDE = 2048;

let bridge: WorkerBridge<HeicViewApi> | undefined;

/** Whether the page must show a decoded copy of a photo of this type. */
export const needsScreenCopy = (mime: string): boolean => mime === 'image/heic';

/**
 * A HEIC photo as a JPEG to show large, decoded in a worker started on first use (and kept
 * for the next photo: the decoder it loads is 2 MB).
 */
export function heicScreenCopy(file: Blob, longSide = SCREEN_SIDE): Promise<Blob> {
  bridge ??= new WorkerBridge<HeicViewApi>(
    (name) =>
      new Worker(new URL('../../../workers/heic-view/worker.ts', import.meta.url), {
        type: 'module',
        name,
      }),
    { label: 'HEIC viewer' },
  );
  return bridge.call((remote) => remote.screenCopy(file, longSide));
}
