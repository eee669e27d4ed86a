import { serveWorker } from '../shared/lifeline';
import { TuningHandler } from './handler';

serveWorker(new TuningHandler());
