import { ConflictError, ForbiddenError, IllegalStateError, NotFoundError, ValidationError } from '@1tt/domain-errors';
import { assertNever, Decider } from '../decider/decider';
import { assertId, boundedText } from '../identifiers/identifier';
import { DataUse, recordedUses, usesOf } from '../consent/data-use';
import { licenceOf, PLATFORM_GRANT_LICENCE } from '../consent/licence';
import { DatasetCommand, DatasetContext, DatasetRequester } from './dataset.commands';
import { DatasetCompression, DatasetEvent, DatasetFormat, DatasetOwner, TXT_SPLITS, TxtSplit } from './dataset.events';

export type DatasetStatus = 'uploaded' | 'preprocessed' | 'tokens-counted' | 'accepted' | 'rejected' | 'withdrawn';

export type DatasetState =
  | { status: 'none' }
  | {
      status: DatasetStatus;
      datasetId: string;
      owner: DatasetOwner;
      tokens?: string;
      tokenizer?: string;
      /** Uses granted now (issue #14; recorded before consent existed: DEFAULT_USES). */
      uses: readonly DataUse[];
      /** Indexes of excluded documents and their tokens (issue #14). */
      excluded: ReadonlySet<number>;
      excludedTokens: bigint;
    };

/** At most this many documents per exclusion request. */
export const MAX_EXCLUDED_PER_REQUEST = 10_000;

const FORMATS: readonly DatasetFormat[] = ['txt', 'markdown', 'jsonl', 'csv', 'parquet', 'tar', 'zip'];
const COMPRESSIONS: readonly DatasetCompression[] = ['none', 'gzip', 'zstd'];
const HEX64 = /^[0-9a-f]{64}$/;
/** Token counts up to 10^18 − 1 per dataset: far beyond any file, and keeps weights bounded. */
const TOKENS = /^(0|[1-9]\d{0,17})$/;

function ownerOf(data: DatasetOwner): DatasetOwner {
  return data.kind === 'contribution'
    ? { kind: 'contribution', contributorId: data.contributorId }
    : { kind: 'reference', consumerId: data.consumerId };
}

function count(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new ValidationError('count-invalid', `${field} must be a non-negative safe integer`, { field });
  }
  return value;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], field: 'kind' | 'format' | 'compression'): T {
  if (!allowed.includes(value as T)) {
    throw new ValidationError(`${field}-unknown`, `${field} must be one of ${allowed.join(', ')}`, {
      field,
      hint: `Use one of: ${allowed.join(', ')}.`,
    });
  }
  return value as T;
}

function hex64(value: unknown, field: string): string {
  if (typeof value !== 'string' || !HEX64.test(value)) {
    throw new ValidationError('hash-malformed', `${field} must be a lower-case hex SHA-256`, { field });
  }
  return value;
}

function inState(
  state: DatasetState,
  datasetId: string,
  allowed: readonly DatasetStatus[],
  action: string,
): Exclude<DatasetState, { status: 'none' }> {
  if (state.status === 'none') throw new NotFoundError('dataset-not-found', `Dataset ${datasetId} does not exist`, { field: 'datasetId' });
  if (!allowed.includes(state.status)) {
    throw new IllegalStateError(`dataset-${state.status}`, `Cannot ${action} dataset ${datasetId}: it is ${state.status}`, {
      field: 'datasetId',
      context: { status: state.status, allowed },
    });
  }
  return state;
}

function isOwner(state: Exclude<DatasetState, { status: 'none' }>, by: DatasetRequester): boolean {
  return state.owner.kind === 'contribution'
    ? by.role === 'contributor' && by.id === state.owner.contributorId
    : by.role === 'consumer' && by.id === state.owner.consumerId;
}

/** The dataset, checked to be a contribution of the requester, in one of `allowed` (accepted). */
function ownContribution(
  state: DatasetState,
  datasetId: string,
  by: DatasetRequester,
  action: string,
  allowed: readonly DatasetStatus[] = ['accepted'],
): Exclude<DatasetState, { status: 'none' }> & { contributorId: string } {
  if (state.status === 'none') throw new NotFoundError('dataset-not-found', `Dataset ${datasetId} does not exist`, { field: 'datasetId' });
  if (!isOwner(state, by))
    throw new ForbiddenError('dataset-not-owner', `Only the owner of a dataset may ${action} it`, { field: 'datasetId' });
  if (state.owner.kind !== 'contribution')
    throw new IllegalStateError('dataset-not-contribution', `Dataset ${datasetId} is a reference corpus, never paid`, {
      field: 'datasetId',
    });
  const s = inState(state, datasetId, allowed, action);
  return { ...s, contributorId: state.owner.contributorId };
}

function indexesOf(value: unknown): number[] {
  if (
    !Array.isArray(value) ||
    value.length === 0 ||
    value.length > MAX_EXCLUDED_PER_REQUEST ||
    !value.every((i) => typeof i === 'number' && Number.isSafeInteger(i) && i >= 0) ||
    new Set(value).size !== value.length
  ) {
    throw new ValidationError('exclusion-invalid', `indexes must be 1 to ${MAX_EXCLUDED_PER_REQUEST} distinct document indexes`, {
      field: 'indexes',
      hint: 'E.g. {"indexes": [0, 7]}: 0-based, as in the per-document report.',
    });
  }
  return [...(value as number[])].sort((a, b) => a - b);
}

/**
 * Dataset lifecycle:
 *   uploaded → preprocessed → tokens-counted → accepted → withdrawn
 *   uploaded | preprocessed | tokens-counted → rejected
 * Rejected and withdrawn are final. Only the owner withdraws (an admin
 * cannot take a contributor's data out of the pool on their behalf here;
 * that would be a separate, audited command).
 */
export const datasetDecider: Decider<DatasetCommand, DatasetEvent, DatasetState, DatasetContext> = {
  initialState: { status: 'none' },

  evolve(state, event) {
    if (event.type === 'DatasetUploaded')
      return {
        status: 'uploaded',
        datasetId: event.data.datasetId,
        owner: ownerOf(event.data),
        uses: recordedUses(event.data.uses),
        excluded: new Set(),
        excludedTokens: 0n,
      };
    if (state.status === 'none') return state;
    switch (event.type) {
      case 'DatasetPreprocessed':
        return { ...state, status: 'preprocessed' };
      case 'DatasetTokensCounted':
        return { ...state, status: 'tokens-counted', tokens: event.data.tokens, tokenizer: event.data.tokenizer };
      case 'DatasetAccepted':
        return { ...state, status: 'accepted' };
      case 'DatasetRejected':
        return { ...state, status: 'rejected' };
      case 'DatasetWithdrawn':
        return { ...state, status: 'withdrawn' };
      case 'DatasetConsentChanged':
        return { ...state, uses: recordedUses(event.data.uses) };
      case 'DatasetDocumentsExcluded': {
        const excluded = new Set(state.excluded);
        for (const d of event.data.documents) excluded.add(d.index);
        return { ...state, excluded, excludedTokens: state.excludedTokens + BigInt(event.data.tokens) };
      }
      default:
        return assertNever(event, 'dataset event');
    }
  },

  decide(command, state, context) {
    const now = context.now.toISOString();
    switch (command.type) {
      case 'RecordDatasetUpload': {
        const d = command.data;
        const datasetId = assertId(d.datasetId, 'datasetId');
        const kind = oneOf(d.kind, ['contribution', 'reference'] as const, 'kind');
        const owner: DatasetOwner =
          kind === 'contribution'
            ? { kind, contributorId: assertId((d as { contributorId?: string }).contributorId, 'contributorId') }
            : { kind, consumerId: assertId((d as { consumerId?: string }).consumerId, 'consumerId') };
        const fileName = boundedText(d.fileName, 'fileName', 255);
        const format = oneOf(d.format, FORMATS, 'format');
        const compression = oneOf(d.compression, COMPRESSIONS, 'compression');
        const sizeBytes = count(d.sizeBytes, 'sizeBytes');
        const sha256 = hex64(d.sha256, 'sha256');
        const blobRef = boundedText(d.blobRef, 'blobRef', 512);
        const textField = d.textField === null || d.textField === undefined ? null : boundedText(d.textField, 'textField', 200);
        if (d.split !== undefined && (format !== 'txt' || !(TXT_SPLITS as readonly string[]).includes(d.split)))
          throw new ValidationError('dataset-invalid-split', `split must be one of ${TXT_SPLITS.join(', ')}, for .txt files only`, {
            field: 'split',
          });
        const split = d.split !== undefined ? { split: d.split as TxtSplit } : {};
        const pipeline =
          d.pipeline === undefined
            ? {}
            : {
                pipeline: {
                  name: boundedText(d.pipeline?.name, 'pipeline.name', 100),
                  version: boundedText(d.pipeline?.version, 'pipeline.version', 50),
                  configHash: boundedText(d.pipeline?.configHash, 'pipeline.configHash', 128),
                },
              };
        const requestId = d.requestId === undefined ? {} : { requestId: assertId(d.requestId, 'requestId') };
        const licence = d.licence === undefined ? PLATFORM_GRANT_LICENCE : licenceOf(d.licence);
        const uses = d.uses === undefined ? [...recordedUses(context.defaultUses)] : usesOf(d.uses);
        if (state.status !== 'none')
          throw new ConflictError('dataset-exists', `Dataset ${datasetId} already exists`, { field: 'datasetId' });
        if (context.ownerRegistered !== true) {
          const who = owner.kind === 'contribution' ? `Contributor ${owner.contributorId}` : `Consumer ${owner.consumerId}`;
          throw new NotFoundError('dataset-owner-not-found', `${who} is not registered`, {
            field: owner.kind === 'contribution' ? 'contributorId' : 'consumerId',
          });
        }
        return [
          {
            type: 'DatasetUploaded',
            data: {
              ...owner,
              datasetId,
              fileName,
              format,
              compression,
              sizeBytes,
              sha256,
              blobRef,
              textField,
              ...split,
              ...pipeline,
              ...requestId,
              // A reference corpus is never paid: licence and consent are the contributions' terms.
              ...(owner.kind === 'contribution' ? { licence, uses } : {}),
              uploadedAt: now,
            },
          },
        ];
      }
      case 'RecordDatasetPreprocessing': {
        const d = command.data;
        const p = d.pipeline ?? ({} as typeof d.pipeline);
        const pipeline = {
          name: boundedText(p.name, 'pipeline.name', 100),
          version: boundedText(p.version, 'pipeline.version', 50),
          configHash: boundedText(p.configHash, 'pipeline.configHash', 128),
        };
        const documentsIn = count(d.documentsIn, 'documentsIn');
        const documentsKept = count(d.documentsKept, 'documentsKept');
        const removed: Record<string, number> = {};
        let removedTotal = 0;
        for (const [reason, n] of Object.entries(d.removed ?? {})) {
          removed[boundedText(reason, 'removed', 100)] = count(n, `removed.${reason}`);
          removedTotal += n;
        }
        const duplicatesOfEarlier = count(d.duplicatesOfEarlier, 'duplicatesOfEarlier');
        if (documentsKept > documentsIn || removedTotal > documentsIn || duplicatesOfEarlier > documentsIn - documentsKept) {
          throw new ValidationError('document-counts-inconsistent', 'Kept, removed and duplicate counts do not fit within documentsIn', {
            field: 'documentsKept',
          });
        }
        const manifestRoot = hex64(d.manifestRoot, 'manifestRoot');
        const reportBlobRef = boundedText(d.reportBlobRef, 'reportBlobRef', 512);
        const tokensBy = (m: Record<string, number> | undefined, field: string): { [k: string]: Record<string, number> } => {
          if (m === undefined) return {};
          const out: Record<string, number> = {};
          for (const [k, n] of Object.entries(m ?? {})) out[boundedText(k, field, 32)] = count(n, `${field}.${k}`);
          return { [field]: out };
        };
        const labelled = { ...tokensBy(d.languages, 'languages'), ...tokensBy(d.contentClasses, 'contentClasses') };
        const requestMatch =
          d.requestMatch === undefined
            ? {}
            : {
                requestMatch: {
                  requestId: assertId(d.requestMatch?.requestId, 'requestMatch.requestId'),
                  matchingTokens: count(d.requestMatch?.matchingTokens, 'requestMatch.matchingTokens'),
                },
              };
        if (d.languageClasses !== undefined) {
          const joint: Record<string, Record<string, number>> = {};
          for (const [language, byClass] of Object.entries(d.languageClasses ?? {}))
            joint[boundedText(language, 'languageClasses', 32)] = tokensBy(byClass, 'languageClasses').languageClasses;
          Object.assign(labelled, { languageClasses: joint });
        }
        const s = inState(state, d.datasetId, ['uploaded'], 'record preprocessing of');
        return [
          {
            type: 'DatasetPreprocessed',
            data: {
              datasetId: s.datasetId,
              pipeline,
              documentsIn,
              documentsKept,
              removed,
              duplicatesOfEarlier,
              manifestRoot,
              reportBlobRef,
              ...labelled,
              ...requestMatch,
              preprocessedAt: now,
            },
          },
        ];
      }
      case 'RecordDatasetTokenCount': {
        const d = command.data;
        const tokenizer = boundedText(d.tokenizer, 'tokenizer', 100);
        if (typeof d.tokens !== 'string' || !TOKENS.test(d.tokens)) {
          throw new ValidationError('tokens-invalid', 'tokens must be a non-negative integer string below 10^18', {
            field: 'tokens',
            hint: 'Send e.g. "123456".',
          });
        }
        const s = inState(state, d.datasetId, ['preprocessed'], 'record the token count of');
        return [{ type: 'DatasetTokensCounted', data: { datasetId: s.datasetId, tokenizer, tokens: d.tokens, countedAt: now } }];
      }
      case 'AcceptDataset': {
        const s = inState(state, command.data.datasetId, ['tokens-counted'], 'accept');
        const c = command.data.requestCredit;
        if (
          c !== undefined &&
          (typeof c.creditedTokens !== 'string' || !TOKENS.test(c.creditedTokens) || BigInt(c.creditedTokens) > BigInt(s.tokens as string))
        )
          throw new ValidationError(
            'tokens-invalid',
            "requestCredit.creditedTokens must be a whole number of tokens, at most the dataset's",
            {
              field: 'requestCredit.creditedTokens',
            },
          );
        const requestCredit =
          c === undefined
            ? {}
            : { requestCredit: { requestId: assertId(c.requestId, 'requestCredit.requestId'), creditedTokens: c.creditedTokens } };
        return [
          {
            type: 'DatasetAccepted',
            data: { ...s.owner, datasetId: s.datasetId, tokens: s.tokens as string, ...requestCredit, acceptedAt: now },
          },
        ];
      }
      case 'RejectDataset': {
        const reason = boundedText(command.data.reason, 'reason', 100);
        const detail = command.data.detail === undefined ? undefined : boundedText(command.data.detail, 'detail', 2000);
        const s = inState(state, command.data.datasetId, ['uploaded', 'preprocessed', 'tokens-counted'], 'reject');
        return [
          {
            type: 'DatasetRejected',
            data: { datasetId: s.datasetId, reason, ...(detail === undefined ? {} : { detail }), rejectedAt: now },
          },
        ];
      }
      case 'WithdrawDataset': {
        const { datasetId, requestedBy } = command.data;
        const reason = command.data.reason === undefined ? undefined : boundedText(command.data.reason, 'reason', 500);
        if (state.status === 'none')
          throw new NotFoundError('dataset-not-found', `Dataset ${datasetId} does not exist`, { field: 'datasetId' });
        if (!isOwner(state, requestedBy))
          throw new ForbiddenError('dataset-not-owner', 'Only the owner of a dataset may withdraw it', { field: 'datasetId' });
        if (state.status === 'withdrawn')
          throw new IllegalStateError('dataset-already-withdrawn', `Dataset ${datasetId} is already withdrawn`, { field: 'datasetId' });
        const s = inState(state, datasetId, ['accepted'], 'withdraw');
        return [
          {
            type: 'DatasetWithdrawn',
            data: {
              ...s.owner,
              datasetId: s.datasetId,
              // What leaves the pool now: the accepted tokens less the documents already excluded.
              tokens: (BigInt(s.tokens as string) - s.excludedTokens).toString(),
              ...(reason === undefined ? {} : { reason }),
              withdrawnAt: now,
            },
          },
        ];
      }
      case 'ChangeDatasetConsent': {
        const { datasetId, requestedBy } = command.data;
        const uses = usesOf(command.data.uses);
        // Accepted datasets only: until its decision a dataset's stream is written by the processor alone (it appends at the upload's revision).
        const s = ownContribution(state, datasetId, requestedBy, 'change the consent of');
        if (s.uses.join() === uses.join()) return []; // already so: a retry records nothing
        return [
          {
            type: 'DatasetConsentChanged',
            data: { datasetId: s.datasetId, contributorId: s.contributorId, uses, previousUses: [...s.uses], changedAt: now },
          },
        ];
      }
      case 'ExcludeDocuments': {
        const { datasetId, requestedBy } = command.data;
        const indexes = indexesOf(command.data.indexes);
        const s = ownContribution(state, datasetId, requestedBy, 'exclude documents of');
        const notKept = indexes.filter((i) => context.documents?.get(i)?.kept !== true);
        if (notKept.length > 0)
          throw new ValidationError(
            'exclusion-not-kept',
            `${notKept.length} of the indexes name no kept document of dataset ${datasetId}`,
            {
              field: 'indexes',
              hint: 'Exclude documents the report lists as kept (GET /v1/datasets/{id}/report?reason=kept).',
              context: { indexes: notKept.slice(0, 100) },
            },
          );
        const again = indexes.filter((i) => s.excluded.has(i));
        if (again.length > 0)
          throw new IllegalStateError('exclusion-duplicate', `${again.length} of the documents are already excluded`, {
            field: 'indexes',
            context: { indexes: again.slice(0, 100) },
          });
        let tokens = 0n;
        const documents = indexes.map((index) => {
          const r = context.documents!.get(index)!;
          tokens += BigInt(count(r.tokens, 'tokens'));
          return {
            index,
            tokens: r.tokens,
            ...(r.language !== undefined ? { language: boundedText(r.language, 'language', 32) } : {}),
            ...(r.contentClass !== undefined ? { contentClass: boundedText(r.contentClass, 'contentClass', 32) } : {}),
          };
        });
        return [
          {
            type: 'DatasetDocumentsExcluded',
            data: { datasetId: s.datasetId, contributorId: s.contributorId, documents, tokens: tokens.toString(), excludedAt: now },
          },
        ];
      }
      default:
        return assertNever(command, 'dataset command');
    }
  },
};
