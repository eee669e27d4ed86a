import { expose } from 'comlink';
import { AestheticsHandler } from './handler';

expose(new AestheticsHandler());
