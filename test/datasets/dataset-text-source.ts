import { createInterface } from 'node:readline';
import type { DocumentSourceFactory, SourceRecord } from '@1tt/dataset-processing';

/**
 * A plain-text source for the job tests (documents separated by blank
 * lines, read from the blob store as a stream), so the processing tests do
 * not depend on the full format readers; the e2e tests use those.
 */
export const blankLineTextSource: DocumentSourceFactory = async (upload, blobs) => {
  const stream = await blobs.getStream(upload.blobRef);
  const progress = { compressedBytesRead: 0 };
  stream.on('data', (c: Buffer) => (progress.compressedBytesRead += c.length));
  async function* records(): AsyncGenerator<SourceRecord> {
    let doc: string[] = [];
    for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) {
      if (line.trim() === '') {
        if (doc.length) yield { text: doc.join('\n') };
        doc = [];
      } else doc.push(line);
    }
    if (doc.length) yield { text: doc.join('\n') };
  }
  return { records: records(), progress };
};
