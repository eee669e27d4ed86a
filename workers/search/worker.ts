import { expose } from 'comlink';
import { SearchHandler } from './handler';

expose(new SearchHandler());
