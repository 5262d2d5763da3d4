/**
 * One `--jobs` worker thread (batch.ts): opens the command's handler once, then takes one input
 * at a time from the main thread and sends back its result, until it is sent null.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { RetinaFaceError } from '../errors.js';
import { attempt, loadOpenHandler, type Input, type WorkerData, type WorkerMessage } from './batch.js';

const port = parentPort!;
const send = (message: WorkerMessage) => port.postMessage(message);
const { module, settings, threads } = workerData as WorkerData;
try {
  const handler = await (await loadOpenHandler(module))(settings, { threads });
  port.on('message', async (input: Input | null) => {
    if (input === null) {
      handler.close();
      port.close();
      return;
    }
    send({ type: 'done', done: await attempt(handler, input) });
  });
  send({ type: 'ready' });
} catch (err) {
  if (err instanceof RetinaFaceError) send({ type: 'fatal', code: err.code, message: err.message });
  else send({ type: 'fatal', message: err instanceof Error ? err.message : String(err) });
}
