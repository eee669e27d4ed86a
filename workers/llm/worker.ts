import { serveWorker } from '../shared/lifeline';
import { LlmHandler } from './handler';

serveWorker(new LlmHandler());
