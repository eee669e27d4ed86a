import { serveWorker } from '../shared/lifeline';
import { EmbeddingHandler } from './handler';

serveWorker(new EmbeddingHandler());
