import { expose } from 'comlink';
import { EmbeddingHandler } from './handler';

expose(new EmbeddingHandler());
