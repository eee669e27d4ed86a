import { serveWorker } from '../shared/lifeline';
import { LibraryIoHandler } from './handler';

serveWorker(new LibraryIoHandler());
