import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import type { BlobStore, PutResult, StagedBlob } from '@1tt/blob-store';
import { decideOnStream } from '@1tt/command-path';
import {
  assertId,
  contributorDecider,
  dataRequestDecider,
  datasetDecider,
  fold,
  licenceOf,
  streamNames,
  TXT_SPLITS,
  usesOf,
  type ContributorEvent,
  type DataRequestEvent,
  type DatasetOwner,
  type TxtSplit,
  ID_PATTERN,
} from '@1tt/ledger';
import { readStreamSnapshot } from '@1tt/command-path';
import { ConflictError, ForbiddenError, isDomainError, NotFoundError, RequestTimeoutError, ValidationError } from '@1tt/domain-errors';
import type { EventStore } from '@1tt/event-store';
import { DEFAULT_PIPELINE, resolvePipeline, type ResolvedPipeline } from '@1tt/preprocessing';
import { uploadFileName } from './upload-file-name';

/** Who uploads: a contributor (for themselves) or an admin (for a contributor, or a consumer's reference corpus). */
export type UploadActor =
  { role: 'contributor'; id: string } | { role: 'admin'; id: string } | { role: 'consumer' | 'auditor'; id: string };

export interface UploadAccepted {
  datasetId: string;
  status: 'processing';
}

export interface DatasetUploadOptions {
  events: EventStore;
  blobs: BlobStore;
  /** UPLOAD_MAX_BYTES (default 2 GiB). */
  maxBytes: number;
  /** UPLOAD_TIMEOUT_SECONDS × 1000: longest the body may take to arrive (default one hour). */
  timeoutMs?: number;
  /**
   * The earlier live upload (not withdrawn, not rejected) of the same bytes,
   * if any. The read side answers it; see DatasetQueries.identicalFile.
   */
  identicalFile: (sha256: string) => Promise<{ uploadedAt: string } | undefined>;
  newId?: () => string;
  now?: () => Date;
  /**
   * The pipeline recorded in DatasetUploaded as the one to judge the upload
   * with (issue #13: a rolling upgrade's older workers must not decide it
   * with their own default). Default: DEFAULT_PIPELINE of this build.
   */
  pipeline?: ResolvedPipeline;
}

let defaultPipeline: ResolvedPipeline | undefined;

const FIELD_NAME = /^[A-Za-z0-9_.$-]{1,100}$/;
/** After a refusal, at most this much of the rest of a body is read (so the client sees the answer), then the connection is cut. */
const DRAIN_LIMIT = 64 * 1024 * 1024;

/**
 * POST /v1/datasets. The multipart body is parsed as it arrives (busboy)
 * and the `file` part is piped straight into the blob store, which hashes
 * while writing and refuses past maxBytes: memory stays flat whatever the
 * size, and nothing is buffered on disk outside the store.
 */
export class DatasetUploadService {
  constructor(private readonly options: DatasetUploadOptions) {}

  async upload(req: IncomingMessage, actor: UploadActor): Promise<UploadAccepted> {
    if (actor.role !== 'contributor' && actor.role !== 'admin') {
      throw new ForbiddenError('dataset-upload-forbidden', 'Only contributors and admins upload datasets', {
        hint: 'Use a contributor API key.',
      });
    }
    // The form fields that arrive before the file are checked before a byte of it is stored (M4).
    const { fields, fileName, staged } = await this.receive(req, (early) => this.checkFields(actor, early, false));
    let stored: PutResult;
    let owner: DatasetOwner;
    try {
      this.checkFields(actor, fields, true);
      if (fields.split !== undefined && fileName.format !== 'txt')
        throw new ValidationError('dataset-invalid-split', `split applies to .txt files; ${fileName.fileName} is ${fileName.format}`, {
          field: 'split',
          hint: 'Leave split out: .md files are one document, .jsonl/.csv/.parquet one document per record, archives one per text member.',
        });
      owner = await this.owner(actor, fields.kind ?? 'contribution', fields);
      if (fields.requestId !== undefined) await this.assertRequestOpen(fields.requestId, owner);
      const earlier = await this.options.identicalFile(staged.sha256);
      if (earlier) {
        // Only that such a file exists: not when, nor whose (with ?atPosition= the time identified the owner).
        throw new ConflictError('dataset-identical-file', 'An identical file (same SHA-256) is already in the pool', {
          field: 'file',
          hint: 'The same bytes earn tokens only once; upload new content.',
        });
      }
      stored = await staged.commit();
    } catch (e) {
      // Refused after the whole file arrived: its bytes are not kept (nothing would ever reference them).
      await staged.discard().catch(() => undefined);
      throw e;
    }
    const textField = fields.textField ?? 'text';

    const datasetId = (this.options.newId ?? randomUUID)();
    const ownerStream = owner.kind === 'reference' ? streamNames.consumer(owner.consumerId) : streamNames.contributor(owner.contributorId);
    await decideOnStream(
      this.options.events,
      streamNames.dataset(datasetId),
      datasetDecider,
      {
        type: 'RecordDatasetUpload',
        data: {
          ...owner,
          datasetId,
          fileName: fileName.fileName,
          format: fileName.format,
          compression: fileName.compression,
          sizeBytes: stored.sizeBytes,
          sha256: stored.sha256,
          blobRef: stored.ref,
          textField: fileName.format === 'txt' || fileName.format === 'markdown' ? null : textField,
          // .txt: the whole file is one document unless the uploader asks for paragraphs or lines.
          ...(fileName.format === 'txt' ? { split: (fields.split ?? 'document') as TxtSplit } : {}),
          pipeline: this.pipelineRef(),
          ...(fields.requestId !== undefined ? { requestId: fields.requestId } : {}),
          ...(fields.licence !== undefined ? { licence: fields.licence } : {}),
          ...(fields.uses !== undefined ? { uses: fields.uses } : {}),
        },
      },
      {
        context: async () => ({
          now: (this.options.now ?? (() => new Date()))(),
          ownerRegistered: await this.options.events.streamExists(ownerStream),
          ...(owner.kind === 'contribution' && fields.uses === undefined ? await this.defaultUses(ownerStream) : {}),
        }),
        actor: `${actor.role}:${actor.id}`,
        correlationId: datasetId,
      },
    );
    return { datasetId, status: 'processing' };
  }

  /**
   * An upload answering a data request (issue #15) names one that is open
   * now: 404 when there is none, 409 data-request-not-open when it is
   * closed or outside its window. Whether it is credited is decided from the
   * log (DataRequestBook), so a request closed meanwhile only means no credit.
   */
  private async assertRequestOpen(requestId: string, owner: DatasetOwner): Promise<void> {
    const id = assertId(requestId, 'requestId');
    if (owner.kind !== 'contribution')
      throw new ValidationError('dataset-invalid-kind', "A consumer's reference corpus does not answer data requests", {
        field: 'requestId',
        hint: 'Leave requestId out for a reference corpus.',
      });
    const stream = await readStreamSnapshot(this.options.events, streamNames.dataRequest(id));
    const state = fold(dataRequestDecider, stream.events as unknown as DataRequestEvent[]);
    if (state.status === 'none') throw new NotFoundError('data-request-not-found', `No data request ${id}`, { field: 'requestId' });
    const now = (this.options.now ?? (() => new Date()))().getTime();
    if (state.status === 'closed' || now < Date.parse(state.request.opensAt) || now >= Date.parse(state.request.closesAt))
      throw new ConflictError('data-request-not-open', `Data request ${id} is not open now`, {
        field: 'requestId',
        hint: 'GET /v1/data-requests lists the open ones.',
      });
  }

  /** The contributor's default consent (ContributorConsentSet), if they set one. */
  private async defaultUses(contributorStream: string): Promise<{ defaultUses?: readonly string[] }> {
    const state = fold(
      contributorDecider,
      (await readStreamSnapshot(this.options.events, contributorStream)).events as unknown as ContributorEvent[],
    );
    return state.status === 'registered' && state.defaultUses ? { defaultUses: state.defaultUses } : {};
  }

  private pipelineRef(): { name: string; version: string; configHash: string } {
    const p = this.options.pipeline ?? (defaultPipeline ??= resolvePipeline(DEFAULT_PIPELINE));
    return { name: p.name, version: p.version, configHash: p.configHash };
  }

  /**
   * The checks of the form fields that need no store. `complete` false: only
   * the fields that arrived so far (before the file part), so a missing
   * field is not an error yet.
   */
  private checkFields(actor: UploadActor, fields: Record<string, string>, complete: boolean): void {
    const textField = fields.textField ?? 'text';
    if (!FIELD_NAME.test(textField)) {
      throw new ValidationError('dataset-invalid-text-field', 'textField must be a plain field name', {
        field: 'textField',
        hint: 'E.g. "text" or "content" (letters, digits, _ . - $).',
      });
    }
    if (fields.split !== undefined && !(TXT_SPLITS as readonly string[]).includes(fields.split)) {
      throw new ValidationError('dataset-invalid-split', `split must be one of ${TXT_SPLITS.join(', ')}`, {
        field: 'split',
        hint: 'document (default: the whole .txt file is one document), paragraph (blank-line separated) or line.',
      });
    }
    // Issue #14: checked here too so a bad licence or uses refuses the upload before a byte of the file is stored.
    if (fields.licence !== undefined) licenceOf(fields.licence);
    if (fields.uses !== undefined) usesOf(fields.uses);
    const kind = fields.kind ?? 'contribution';
    if (kind !== 'contribution' && kind !== 'reference') {
      throw new ValidationError('dataset-invalid-kind', 'kind must be "contribution" or "reference"', {
        field: 'kind',
        hint: 'Leave it out for a contribution.',
      });
    }
    if (actor.role === 'contributor') {
      if (kind === 'reference')
        throw new ForbiddenError('dataset-reference-admin-only', 'Only an admin registers a consumer reference corpus', { field: 'kind' });
      if (fields.contributorId !== undefined && fields.contributorId !== actor.id) {
        throw new ForbiddenError('dataset-other-contributor', 'A contributor uploads only for themselves', {
          field: 'contributorId',
          hint: 'Leave contributorId out.',
        });
      }
    } else if (complete || fields[kind === 'reference' ? 'consumerId' : 'contributorId'] !== undefined) {
      const field = kind === 'reference' ? 'consumerId' : 'contributorId';
      const id = fields[field];
      if (!id || !ID_PATTERN.test(id)) {
        throw new ValidationError(
          field === 'consumerId' ? 'dataset-missing-consumer-id' : 'dataset-missing-contributor-id',
          `An admin upload of a ${kind} names the ${kind === 'reference' ? 'consumer' : 'contributor'}: ${field}`,
          {
            field,
            hint: `Add the form field ${field}.`,
          },
        );
      }
    }
  }

  /** The owner, checked registered (a contributor or consumer stream exists), as the decider expects. */
  private async owner(actor: UploadActor, kind: string, fields: Record<string, string>): Promise<DatasetOwner> {
    if (actor.role === 'contributor') {
      if (kind === 'reference')
        throw new ForbiddenError('dataset-reference-admin-only', 'Only an admin registers a consumer reference corpus', { field: 'kind' });
      if (fields.contributorId !== undefined && fields.contributorId !== actor.id) {
        throw new ForbiddenError('dataset-other-contributor', 'A contributor uploads only for themselves', {
          field: 'contributorId',
          hint: 'Leave contributorId out.',
        });
      }
      await this.registered('contributor', actor.id, 'contributorId');
      return { kind: 'contribution', contributorId: actor.id };
    }
    const [field, category] = kind === 'reference' ? (['consumerId', 'consumer'] as const) : (['contributorId', 'contributor'] as const);
    const id = fields[field];
    if (!id || !ID_PATTERN.test(id)) {
      throw new ValidationError(
        field === 'consumerId' ? 'dataset-missing-consumer-id' : 'dataset-missing-contributor-id',
        `An admin upload of a ${kind} names the ${category}: ${field}`,
        {
          field,
          hint: `Add the form field ${field}.`,
        },
      );
    }
    await this.registered(category, id, field);
    return kind === 'reference' ? { kind: 'reference', consumerId: id } : { kind: 'contribution', contributorId: id };
  }

  private async registered(category: 'contributor' | 'consumer', id: string, field: string): Promise<void> {
    if (!(await this.options.events.streamExists(streamNames[category](id)))) {
      throw new NotFoundError(category === 'consumer' ? 'consumer-not-found' : 'contributor-not-found', `No registered ${category} ${id}`, {
        field,
        hint: `Register the ${category} first (POST /v1/${category}s).`,
      });
    }
  }

  /**
   * Parses the body; resolves once the whole body is read and the file is durable.
   *
   * Every stream of the upload path has its 'error' listener attached in the
   * same tick it comes into existence (an 'error' event without a listener
   * ends the process): the request, busboy, and the file part, which busboy
   * destroys with "Unexpected end of form" when the body ends inside it,
   * possibly before the blob store (which opens its temporary file first)
   * starts reading. On any failure the file part is destroyed, so the blob
   * store's write stops, closes its file and removes it.
   */
  private receive(
    req: IncomingMessage,
    beforeFile: (fieldsSoFar: Record<string, string>) => void,
  ): Promise<{ fields: Record<string, string>; fileName: ReturnType<typeof uploadFileName>; staged: StagedBlob }> {
    return new Promise((resolve, reject) => {
      let bb: busboy.Busboy;
      try {
        bb = busboy({ headers: req.headers, limits: { files: 1, fields: 20, fieldSize: 1024, parts: 32 } });
      } catch (e) {
        reject(
          new ValidationError('dataset-not-multipart', `Not a multipart upload: ${(e as Error).message}`, {
            hint: 'POST multipart/form-data with the file in the field "file".',
          }),
        );
        return;
      }
      const fields: Record<string, string> = {};
      let failed = false;
      let fileName: ReturnType<typeof uploadFileName> | undefined;
      let put: Promise<StagedBlob> | undefined;
      let fileStream: Readable | undefined;
      let streamError: unknown;
      let handedOver = false;

      const timeoutMs = this.options.timeoutMs ?? 3_600_000;
      const fail = (e: unknown) => {
        if (failed) return;
        failed = true;
        done();
        // The blob store stops writing and removes its temporary file.
        if (fileStream && !fileStream.destroyed) fileStream.destroy(e instanceof Error ? e : new Error(String(e)));
        // Stop parsing but keep reading (and dropping) the rest of the body, so
        // the client gets the answer instead of a reset; past DRAIN_LIMIT, cut it.
        req.unpipe(bb);
        let drained = 0;
        req.on('data', (c: Buffer) => {
          drained += c.length;
          if (drained > DRAIN_LIMIT) req.destroy();
        });
        req.resume();
        // Wait for the blob store to let go of its temporary file before answering.
        // A file already staged is discarded (it will never be referenced).
        const settled = put && !handedOver ? put.then((st) => st.discard().catch(noop), noop) : Promise.resolve();
        void settled.then(() => reject(e));
      };

      const timer = setTimeout(
        () =>
          fail(
            new RequestTimeoutError(
              'upload-timeout',
              `The upload took longer than ${Math.round(timeoutMs / 1000)} seconds and was cut off; nothing was kept`,
              {
                field: 'file',
                hint: 'Upload from a faster connection, compress the file (.gz, .zst), or split it into several datasets.',
                context: { timeoutSeconds: Math.round(timeoutMs / 1000) },
              },
            ),
          ),
        timeoutMs,
      );
      timer.unref();
      const done = () => clearTimeout(timer);
      req.on('error', () => fail(uploadAborted()));
      // The client went away before the body ended: nothing more will come, so nothing waits for it.
      req.on('close', () => {
        if (!req.complete) fail(uploadAborted());
      });
      bb.on('field', (name, value) => {
        fields[name] = value;
      });
      bb.on('file', (name, stream, info) => {
        // Before anything else: busboy may destroy this stream with an error at any later tick.
        // Once the blob store reads it, the store's rejection (below) reports the failure instead.
        stream.on('error', (e) => {
          streamError = e;
          if (stream !== fileStream) fail(truncated(e));
        });
        if (failed) return stream.resume();
        if (name !== 'file' || put) {
          stream.resume();
          return fail(
            new ValidationError('dataset-unexpected-file', `Unexpected file part "${name}"`, {
              field: name,
              hint: 'Send exactly one file, in the field "file".',
            }),
          );
        }
        try {
          fileName = uploadFileName(info.filename);
          beforeFile(fields);
        } catch (e) {
          stream.resume();
          return fail(e);
        }
        fileStream = stream;
        put = this.options.blobs.stageStream(stream, { maxBytes: this.options.maxBytes });
        // The part's own error (the body ended inside it) is the client's fault; anything else the store's.
        put.catch((e: unknown) => fail(e === streamError && !isDomainError(e) ? truncated(e) : e));
      });
      bb.on('filesLimit', () => fail(new ValidationError('dataset-too-many-files', 'Only one file per upload', { field: 'file' })));
      bb.on('error', (e) => fail(truncated(e)));
      bb.on('close', () => {
        if (failed) return;
        if (!put || !fileName) {
          fail(
            new ValidationError('dataset-missing-file', 'No file in the upload', {
              field: 'file',
              hint: 'Send the dataset in the multipart field "file".',
            }),
          );
          return;
        }
        const name = fileName;
        put.then((staged) => {
          if (failed) return;
          handedOver = true;
          done();
          resolve({ fields, fileName: name, staged });
        }, fail);
      });
      req.pipe(bb);
    });
  }
}

const noop = () => undefined;

function uploadAborted(): ValidationError {
  return new ValidationError('upload-aborted', 'The upload was interrupted before the body ended', {
    field: 'file',
    hint: 'Send the whole file again.',
  });
}

/** The multipart body is malformed or ends early (busboy: "Unexpected end of form", "Malformed part header", ...). */
function truncated(e: unknown): ValidationError {
  const message = e instanceof Error ? e.message : String(e);
  const early = /unexpected end/i.test(message);
  return new ValidationError(
    early ? 'upload-truncated' : 'dataset-invalid-multipart',
    early ? 'The multipart body ended before the closing boundary (the upload was cut short)' : `Malformed multipart body: ${message}`,
    {
      field: 'file',
      hint: early
        ? 'Send the whole file again; the body must end with the closing boundary "--<boundary>--".'
        : 'Send multipart/form-data.',
    },
  );
}
