/**
 * Worker-thread entry for the compositor's body validator pool (validator-pool.ts): validates PUBLISH
 * bodies with the shared codec's `parsePresenceBody` on another core and sends back only what the ESC needs
 * to decide (valid or not, the error sentence, the entity). The parsed document itself stays here: copying
 * it to the main thread would cost more than parsing it again there if the AOR is ever watched.
 *
 * Messages: one string per batch each way, encoded as validator-pool.ts describes.
 */
import { parentPort } from 'node:worker_threads';
import { parsePresenceBody } from '../../../shared/pidf';
import { FIELD_SEPARATOR, JOB_SEPARATOR } from './validator-pool';

const port = parentPort;
if (port === null) throw new Error('pidf-validator-worker must run as a worker thread');

port.on('message', (batch: string) => {
  const outcomes: string[] = [];
  for (const job of batch.split(JOB_SEPARATOR)) {
    const first = job.indexOf(FIELD_SEPARATOR);
    const second = job.indexOf(FIELD_SEPARATOR, first + 1);
    const id = job.slice(0, first);
    const parsed = parsePresenceBody(job.slice(second + 1), job.slice(first + 1, second));
    outcomes.push(
      parsed.ok
        ? id + FIELD_SEPARATOR + '1' + FIELD_SEPARATOR + parsed.document.entity + FIELD_SEPARATOR
        : id + FIELD_SEPARATOR + '0' + FIELD_SEPARATOR + parsed.error.code + FIELD_SEPARATOR + parsed.error.message,
    );
  }
  port.postMessage(outcomes.join(JOB_SEPARATOR));
});
