import { serveWorker } from '../shared/lifeline';
import { AestheticsHandler } from './handler';

serveWorker(new AestheticsHandler());
