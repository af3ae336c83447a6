// A child process that runs one experiment for `--jobs N`.
import { registry } from './index';
import { serveWorker } from "./runtime/workerPool";

serveWorker(registry);
