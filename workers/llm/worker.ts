import { expose } from 'comlink';
import { LlmHandler } from './handler';

expose(new LlmHandler());
