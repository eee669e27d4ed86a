import { serveWorker } from '../shared/lifeline';
import { MomentsHandler } from './handler';

serveWorker(new MomentsHandler());
