import { recordedUses } from '@1tt/ledger';
import type { Principal } from '@1tt/access';
import type { BlobStore } from '@1tt/blob-store';
import { readReportPage, type DatasetProgress, type ReportLine } from '@1tt/dataset-processing';
import { NotFoundError, ValidationError } from '@1tt/domain-errors';
import { explainDuplicate, explainRemoval } from '@1tt/preprocessing';
import type { ReadModelStore } from '@1tt/read-models';
import { wholeNumberOf } from '../../http/point-in-time.params';
import { DATASETS_COLLECTION, type DatasetView } from './dataset.projection';
import type { DatasetDto, DatasetListPage, DatasetResponse, ReportItem, ReportPage } from './dataset.response.dto';

export interface Viewer {
  role: 'contributor' | 'consumer' | 'auditor' | 'admin';
  id: string;
}

export const viewerOf = (p: Principal): Viewer => ({ role: p.role, id: p.subjectId });

/**
 * The log position a read answers at (see DatasetReadModelService.positionFor),
 * and whether it is "now" (then a dataset being analysed in this process
 * shows its live progress).
 */
export interface ReadAt {
  position: number;
  live: boolean;
}

/**
 * Reads of datasets, role-scoped: a contributor sees only their own
 * contributions (anything else is "not found", so ids leak nothing), never a
 * reference corpus and never whose document a duplicate duplicates;
 * auditors and admins see everything.
 */
export class DatasetQueries {
  constructor(
    private readonly store: ReadModelStore,
    private readonly blobs: BlobStore,
    private readonly progressOf: (datasetId: string) => DatasetProgress | undefined = () => undefined,
  ) {}

  async view(datasetId: string, viewer: Viewer, atPosition?: number): Promise<DatasetView> {
    const found = await this.store.get<DatasetView>(DATASETS_COLLECTION, datasetId, { atPosition });
    if (!found || !canSee(found.doc, viewer)) {
      throw new NotFoundError('dataset-not-found', `No dataset ${datasetId}`, {
        field: 'id',
        hint: 'Check the id returned by the upload.',
      });
    }
    return found.doc;
  }

  async get(datasetId: string, viewer: Viewer, at: ReadAt): Promise<DatasetResponse> {
    return { ...this.present(await this.view(datasetId, viewer, at.position), viewer, at.live), position: at.position };
  }

  async list(contributorId: string, viewer: Viewer, page: { after?: string; limit?: number }, at: ReadAt): Promise<DatasetListPage> {
    if (viewer.role !== 'admin' && viewer.role !== 'auditor' && !(viewer.role === 'contributor' && viewer.id === contributorId)) {
      throw new NotFoundError('contributor-not-found', `No contributor ${contributorId}`, { field: 'id' });
    }
    const found = await this.store.find<DatasetView>(DATASETS_COLLECTION, {
      where: { contributorId, kind: 'contribution' },
      orderBy: 'uploadPosition',
      after: page.after,
      limit: page.limit,
      atPosition: at.position,
    });
    return {
      position: at.position,
      items: found.items.map((v) => this.present(v.doc, viewer, at.live)),
      nextCursor: found.nextCursor ?? null,
    };
  }

  /**
   * The earlier live contribution of the same bytes (processing or
   * accepted), if any. Reference corpora are left out on purpose: a 409
   * would tell a contributor that the consumer holds that file; such an
   * upload is judged instead, and every document comes out
   * already_held_by_consumer.
   */
  async identicalFile(sha256: string): Promise<{ uploadedAt: string } | undefined> {
    let after: string | undefined;
    do {
      const page = await this.store.find<DatasetView>(DATASETS_COLLECTION, {
        where: { sha256, kind: 'contribution' },
        orderBy: 'uploadPosition',
        after,
        limit: 100,
      });
      const live = page.items.find((v) => v.doc.status === 'processing' || v.doc.status === 'accepted');
      if (live) return { uploadedAt: live.doc.uploadedAt };
      after = page.nextCursor;
    } while (after);
    return undefined;
  }

  /**
   * A page of the per-document report, read from the report blob through
   * its index (issue #20, M5): only the blocks that can hold the page are
   * read, so a page costs the same at the start and at the end of a
   * million-document report (older reports without an index are scanned).
   */
  async report(
    datasetId: string,
    viewer: Viewer,
    query: { cursor?: string; limit: number; reason?: string },
    at: ReadAt,
  ): Promise<ReportPage> {
    const view = await this.view(datasetId, viewer, at.position);
    const limit = query.limit;
    let after = -1;
    if (query.cursor !== undefined) {
      // The cursor is the index of the last line served.
      const index = wholeNumberOf(query.cursor);
      if (index === undefined)
        throw new ValidationError('invalid-cursor', 'cursor is not one this route returned', {
          field: 'cursor',
          hint: 'Pass nextCursor unchanged.',
        });
      after = index;
    }
    if (!view.reportBlobRef) return { position: at.position, items: [], nextCursor: null };
    const privileged = viewer.role === 'admin' || viewer.role === 'auditor';
    const page = await readReportPage(this.blobs, view.reportBlobRef, { after, limit, reason: query.reason });
    const items = page.lines.map((line) => reportItem(line, privileged));
    return { position: at.position, items, nextCursor: page.more ? String(items[items.length - 1].index) : null };
  }

  private present(v: DatasetView, viewer: Viewer, live: boolean): DatasetDto {
    const out: DatasetDto = {
      datasetId: v.datasetId,
      contributorId: v.contributorId,
      status: v.status,
      fileName: v.fileName,
      split: v.split ?? (v.format === 'txt' ? 'paragraph' : null),
      sizeBytes: v.sizeBytes,
      sha256: v.sha256,
      uploadedAt: v.uploadedAt,
      documentsIn: v.documentsIn,
      documentsKept: v.documentsKept,
      removed: v.removed,
      duplicatesOfEarlier: v.duplicatesOfEarlier,
      tokens: v.tokens,
      tokenizer: v.tokenizer,
      pipeline: v.pipeline,
      languages: v.languages ?? null,
      contentClasses: v.contentClasses ?? null,
      requestId: v.requestId ?? null,
      requestCredit: v.requestCredit ?? null,
      licence: v.licence ?? null,
      uses: v.uses ?? [...recordedUses(undefined)],
      excludedDocuments: v.excludedDocuments ?? 0,
      excludedTokens: v.excludedTokens ?? 0,
      // This process's own analysis when it does the work; otherwise what the analysing process last published.
      progress:
        v.status === 'processing'
          ? ((live ? this.progressOf(v.datasetId) : undefined) ?? v.progress ?? { documentsDone: 0, bytesRead: 0, totalBytes: v.sizeBytes })
          : null,
    };
    if (v.rejection) {
      out.rejectionReason = v.rejection.reason;
      out.rejection = v.rejection;
    }
    if (viewer.role === 'admin' || viewer.role === 'auditor') {
      Object.assign(out, { kind: v.kind, consumerId: v.consumerId, manifestRoot: v.manifestRoot, reportBlobRef: v.reportBlobRef });
    }
    return out;
  }
}

function canSee(v: DatasetView, viewer: Viewer): boolean {
  if (viewer.role === 'admin' || viewer.role === 'auditor') return true;
  return viewer.role === 'contributor' && v.kind === 'contribution' && v.contributorId === viewer.id;
}

function labelsOf(line: ReportLine): Partial<ReportItem> {
  const out: Partial<ReportItem> = {};
  if (line.member !== undefined) out.member = line.member;
  if (line.language !== undefined) out.language = line.language;
  if (line.languageScore !== undefined) out.languageScore = line.languageScore;
  if (line.contentClass !== undefined) out.contentClass = line.contentClass;
  return out;
}

function reportItem(line: ReportLine, privileged: boolean): ReportItem {
  if (line.kept) return { index: line.index, kept: true, tokens: line.tokens, ...labelsOf(line) };
  const item: ReportItem = { index: line.index, kept: false, reason: line.reason, tokens: line.tokens, ...labelsOf(line) };
  if (line.block !== undefined) item.block = line.block;
  if (line.duplicateOf) {
    // Whose document it is stays private: a contributor learns only that it was earlier.
    item.detail =
      line.reason === 'already_held_by_consumer'
        ? 'the consumer already holds this text'
        : line.duplicateOf.sameDataset
          ? 'duplicates an earlier document of this dataset'
          : 'duplicates an earlier contribution';
    if (privileged) item.duplicateOf = line.duplicateOf;
    item.explanation = explainDuplicate(line.reason ?? 'near_duplicate', line.duplicateOf.sameDataset);
  } else {
    if (line.detail !== undefined) item.detail = line.detail;
    item.explanation = explainRemoval(line.reason ?? 'unknown', line.detail);
  }
  return item;
}
