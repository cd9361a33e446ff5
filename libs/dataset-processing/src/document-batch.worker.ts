/**
 * Worker-thread entry: runs processDocument on each document of a batch.
 * Loaded by DocumentWorkerPool (compiled .js in dist; the .ts source through
 * tsx when running from source, e.g. under Jest).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { processDocument, type DocumentResult } from '@1tt/preprocessing';
import { createTokenizer } from '@1tt/tokenizer';
import { encodeResults, type BatchRequest, type WorkerInit } from './document-batch';

const { pipeline } = workerData as WorkerInit;
const tokenizer = createTokenizer(pipeline.tokenizer.encoding);
const numPerm = pipeline.dedup.near ? pipeline.dedup.near.numPerm : 0;

parentPort!.on('message', (req: BatchRequest) => {
  try {
    const results: DocumentResult[] = req.texts.map((t) => processDocument(t, pipeline, tokenizer));
    const reply = encodeResults(req.id, results, numPerm);
    parentPort!.postMessage(reply, [reply.signatures.buffer as ArrayBuffer]);
  } catch (e) {
    parentPort!.postMessage({
      id: req.id,
      rows: [],
      signatures: new Uint32Array(0),
      error: e instanceof Error ? `${e.name}: ${e.message}` : String(e),
    });
  }
});
