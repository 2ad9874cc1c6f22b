/**
 * Worker-thread entry of the state writer (state-writer-thread.ts): opens the state file, then answers the
 * compositor's requests in order — commit a batch, read a table or the owners' documents, close. Each answer is posted on the
 * port first and then counted in the shared `answered` cell, so a caller blocked in `Atomics.wait` finds it waiting.
 */
import { workerData } from 'node:worker_threads';
import { StateDatabase, StateFileError } from './state-database';
import { OPEN_SEQ, type WriterReply, type WriterRequest, type WriterThreadData } from './state-writer-thread';

const { file, synchronous, port, answered } = workerData as WriterThreadData;
const answeredCell = new Int32Array(answered);

function reply(answer: WriterReply): void {
  port.postMessage(answer);
  Atomics.store(answeredCell, 0, answer.seq);
  Atomics.notify(answeredCell, 0);
}

function failed(seq: number, error: unknown): WriterReply {
  return {
    seq,
    ok: false,
    message: error instanceof Error ? error.message : String(error),
    isStateFileError: error instanceof StateFileError,
  };
}

function answer(db: StateDatabase, request: WriterRequest): WriterReply {
  switch (request.kind) {
    case 'commit': {
      const started = performance.now();
      const rows = db.commit(request.writes, request.document);
      return { seq: request.seq, ok: true, rows, ms: performance.now() - started };
    }
    case 'load':
      return { seq: request.seq, ok: true, result: db.load(request.table) };
    case 'load-documents':
      return { seq: request.seq, ok: true, result: db.loadDocuments(request.documents) };
    case 'close':
      db.close();
      return { seq: request.seq, ok: true };
  }
}

async function serve(): Promise<void> {
  let db: StateDatabase;
  try {
    db = await StateDatabase.open(file, synchronous);
  } catch (error) {
    reply(failed(OPEN_SEQ, error));
    port.close();
    return;
  }
  reply({ seq: OPEN_SEQ, ok: true });
  port.on('message', (request: WriterRequest) => {
    let outcome: WriterReply;
    try {
      outcome = answer(db, request);
    } catch (error) {
      outcome = failed(request.seq, error);
    }
    reply(outcome);
    if (request.kind === 'close') port.close();
  });
}

void serve();
