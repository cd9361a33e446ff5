/**
 * Worker-thread entry: runs processDocument on each document of a batch.
 * Loaded by DocumentWorkerPool (compiled .js in dist; the .ts source through
 * tsx when running from source, e.g. under Jest).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type LanguageIdentifier, loadLid176, processDocument, type DocumentResult } from '@1tt/preprocessing';
import { createTokenizer } from '@1tt/tokenizer';
import { encodeResults, type BatchRequest, type WorkerInit } from './document-batch';

const { pipeline } = workerData as WorkerInit;
const tokenizer = createTokenizer(pipeline.tokenizer.encoding);
const numPerm = pipeline.dedup.near ? pipeline.dedup.near.numPerm : 0;

// A routed pipeline (v2) identifies languages: each thread loads its own lid.176 (≈ 0.6 s) before its first batch.
const languageIdentifier: Promise<LanguageIdentifier | undefined> = pipeline.routes ? loadLid176() : Promise.resolve(undefined);

parentPort!.on('message', (req: BatchRequest) => void handle(req));

async function handle(req: BatchRequest): Promise<void> {
  try {
    const lid = await languageIdentifier;
    const results: DocumentResult[] = req.texts.map((t, i) =>
      processDocument(t, pipeline, tokenizer, undefined, { name: req.names?.[i], ...(lid ? { languageIdentifier: lid } : {}) }),
    );
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
}
