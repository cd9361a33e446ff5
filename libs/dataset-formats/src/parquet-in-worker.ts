import { DatasetFormatError, type RejectionLocation, type RejectionReason } from './dataset-format.error';
import type { FormatRecord } from './format-record';
import type { ReadLimits, ReadProgress } from './read-limits';
import { startWorkerThread } from '@1tt/worker-threads';

export interface ParquetWorkerData {
  path: string;
  textField: string;
  limits: ReadLimits;
}

export type ParquetWorkerReply =
  | { kind: 'ready' }
  | { kind: 'records' | 'end'; records: FormatRecord[]; progress: ReadProgress }
  | { kind: 'rejected'; reason: RejectionReason; message: string; where: RejectionLocation; hint?: string }
  | { kind: 'failed'; message: string };

/**
 * Parquet, decoded on a worker thread of its own (issue #20): hyparquet is
 * pure JavaScript, and a corrupt file can send it into a loop that never
 * yields. On this thread that stopped the whole service; here the file is
 * decoded elsewhere, one batch of records ahead of the reader, and a worker
 * that sends nothing for maxParquetDecodeSeconds is terminated and the file
 * rejected `parquet_decode_stalled`. Records, rejections and progress are the
 * same as decoding here (readParquetHere).
 */
export async function* readParquet(
  path: string,
  textField: string,
  limits: ReadLimits,
  progress: ReadProgress,
): AsyncGenerator<FormatRecord> {
  const data: ParquetWorkerData = { path, textField, limits: { ...limits } };
  const worker = startWorkerThread(__dirname, 'parquet.worker', { workerData: data });
  let waiter: { resolve: (r: ParquetWorkerReply) => void; reject: (e: Error) => void } | undefined;
  let early: ParquetWorkerReply | Error | undefined;
  const settle = (r: ParquetWorkerReply | Error): void => {
    const w = waiter;
    waiter = undefined;
    if (!w) early ??= r;
    else if (r instanceof Error) w.reject(r);
    else w.resolve(r);
  };
  worker.on('message', (r: ParquetWorkerReply) => settle(r));
  worker.on('error', (e) => settle(e));
  worker.on('exit', (code) => settle(new Error(`the Parquet worker stopped (exit code ${code})`)));
  const reply = (): Promise<ParquetWorkerReply> =>
    new Promise<ParquetWorkerReply>((resolve, reject) => {
      const pending = early;
      early = undefined;
      if (pending instanceof Error) reject(pending);
      else if (pending) resolve(pending);
      else waiter = { resolve, reject };
    });
  const next = (): Promise<ParquetWorkerReply> => {
    worker.postMessage('more');
    return new Promise<ParquetWorkerReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiter = undefined;
        reject(stalled(limits.maxParquetDecodeSeconds));
      }, limits.maxParquetDecodeSeconds * 1000);
      const done =
        <T>(f: (v: T) => void) =>
        (v: T) => {
          clearTimeout(timer);
          f(v);
        };
      const pending = early;
      early = undefined;
      if (pending instanceof Error) done(reject)(pending);
      else if (pending) done(resolve)(pending);
      else waiter = { resolve: done(resolve), reject: done(reject) };
    });
  };
  try {
    // Starting the worker is not decoding: the stall clock runs from its first word.
    await reply();
    for (;;) {
      const reply = await next();
      if (reply.kind === 'ready') continue;
      if (reply.kind === 'rejected') throw new DatasetFormatError(reply.reason, reply.message, reply.where, reply.hint);
      if (reply.kind === 'failed') throw new Error(`Parquet worker: ${reply.message}`);
      Object.assign(progress, {
        compressedBytesRead: reply.progress.compressedBytesRead,
        decompressedBytesRead: reply.progress.decompressedBytesRead,
        peakBufferedBytes: Math.max(progress.peakBufferedBytes, reply.progress.peakBufferedBytes),
      });
      yield* reply.records;
      if (reply.kind === 'end') return;
    }
  } finally {
    await worker.terminate();
  }
}

function stalled(seconds: number): DatasetFormatError {
  return new DatasetFormatError(
    'parquet_decode_stalled',
    `Decoding the Parquet file produced nothing for ${seconds} s; it was stopped (a corrupt file can make the decoder loop)`,
    {},
    'Check the file with a Parquet tool (e.g. pyarrow) and rewrite it; smaller row groups also decode in shorter steps.',
  );
}
