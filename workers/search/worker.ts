import { serveWorker } from '../shared/lifeline';
import { SearchHandler } from './handler';

serveWorker(new SearchHandler());
