// Decodes a HEIC for the large view, with the decoder the indexing workers use.
import { heicForScreen } from '../embedding/heic/decode-heic';
import { serveWorker } from '../shared/lifeline';
import type { HeicViewApi } from './protocol';

const api: HeicViewApi = {
  screenCopy: (file, longSide) => heicForScreen(file, longSide),
};

serveWorker(api);
