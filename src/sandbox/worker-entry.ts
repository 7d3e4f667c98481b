// Worker entry for source runs (the bundle starts the worker from its own file).
import { startWorker } from './worker.js';

startWorker();
