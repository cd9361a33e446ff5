import type { BlobStore } from '@1tt/blob-store';
import { readDocuments, type ReadLimits, type SkippedRecord } from '@1tt/dataset-formats';
import type { DatasetUploadedData } from './dataset-events';
import type { DocumentSourceFactory, OpenedSource, SourceRecord } from './document-source';

/**
 * Reads a stored upload with @1tt/dataset-formats' streaming readers. A
 * whole-file refusal is the reader's DatasetFormatError (reason, line,
 * byteOffset, row), which the job turns into DatasetRejected. Skipped
 * records are reported by the reader through onSkip, in file order, before
 * the next document is yielded: they are interleaved back so that every
 * record keeps its place (its index) in the per-document report.
 */
export function createFormatSource(limits: Partial<ReadLimits> = {}): DocumentSourceFactory {
  return async (upload: DatasetUploadedData, blobs: BlobStore): Promise<OpenedSource> => {
    const skipped: SkippedRecord[] = [];
    // Parquet and ZIP need random access: a local path spares the reader a temporary copy.
    const path =
      (upload.format === 'parquet' || upload.format === 'zip') && upload.compression === 'none'
        ? await blobs.localPath(upload.blobRef)
        : undefined;
    const reader = readDocuments(
      {
        open: () => blobs.getStream(upload.blobRef),
        path,
        fileName: upload.fileName,
        textField: upload.textField ?? undefined,
        // Uploads recorded before `split` existed were cut into paragraphs: they are read the same way (reprocess).
        split: upload.split ?? 'paragraph',
      },
      { ...limits, onSkip: (r) => skipped.push(r) },
    );
    async function* records(): AsyncGenerator<SourceRecord> {
      for await (const doc of reader) {
        while (skipped.length) yield skipRecord(skipped.shift()!);
        yield doc.member !== undefined ? { index: doc.index, text: doc.text, member: doc.member } : { index: doc.index, text: doc.text };
      }
      while (skipped.length) yield skipRecord(skipped.shift()!);
    }
    return { records: records(), progress: reader.progress };
  };
}

function skipRecord(r: SkippedRecord): SourceRecord {
  const at = [r.line !== undefined ? `line ${r.line}` : '', r.byteOffset !== undefined ? `byte offset ${r.byteOffset}` : '']
    .filter(Boolean)
    .join(', ');
  const rec: SourceRecord = at ? { index: r.index, skip: r.reason, detail: `at ${at}` } : { index: r.index, skip: r.reason };
  if (r.member !== undefined) rec.member = r.member;
  return rec;
}
