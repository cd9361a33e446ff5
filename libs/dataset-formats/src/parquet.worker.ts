import { parentPort, workerData } from 'node:worker_threads';
import { DatasetFormatError } from './dataset-format.error';
import type { FormatRecord } from './format-record';
import { readParquetHere } from './parquet.reader';
import type { ParquetWorkerData, ParquetWorkerReply } from './parquet-in-worker';
import type { ReadProgress } from './read-limits';

/** Decodes one Parquet file and posts its records in batches, one batch ahead of what the reader asked for. */
const BATCH_RECORDS = 2_000;
const BATCH_BYTES = 8 * 1024 * 1024;

const port = parentPort;
if (!port) throw new Error('parquet.worker runs as a worker thread');
const { path, textField, limits } = workerData as ParquetWorkerData;
const progress: ReadProgress = { compressedBytesRead: 0, decompressedBytesRead: 0, records: 0, documents: 0, peakBufferedBytes: 0 };

let asked = 0;
let wake: (() => void) | undefined;
port.on('message', () => {
  asked++;
  wake?.();
});
const turn = async (): Promise<void> => {
  while (asked === 0) await new Promise<void>((resolve) => (wake = resolve));
  asked--;
};
const post = (reply: ParquetWorkerReply): void => port.postMessage(reply);

post({ kind: 'ready' });
void (async () => {
  try {
    let batch: FormatRecord[] = [];
    let bytes = 0;
    for await (const record of readParquetHere(path, textField, limits, progress)) {
      batch.push(record);
      bytes += record.text?.length ?? 0;
      if (batch.length >= BATCH_RECORDS || bytes >= BATCH_BYTES) {
        await turn();
        post({ kind: 'records', records: batch, progress });
        batch = [];
        bytes = 0;
      }
    }
    await turn();
    post({ kind: 'end', records: batch, progress });
  } catch (e) {
    if (e instanceof DatasetFormatError) {
      post({
        kind: 'rejected',
        reason: e.reason,
        message: e.message.replace(/ \(at [^()]*\)$/, ''),
        where: { line: e.line, row: e.row, byteOffset: e.byteOffset },
        hint: e.hint,
      });
    } else post({ kind: 'failed', message: e instanceof Error ? e.message : String(e) });
  }
})();
