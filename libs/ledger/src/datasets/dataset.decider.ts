import { ConflictError, ForbiddenError, IllegalStateError, NotFoundError, ValidationError } from '@1tt/domain-errors';
import { assertNever, Decider } from '../decider/decider';
import { assertId, boundedText } from '../identifiers/identifier';
import { DatasetCommand, DatasetContext } from './dataset.commands';
import { DatasetCompression, DatasetEvent, DatasetFormat, DatasetOwner, TXT_SPLITS, TxtSplit } from './dataset.events';

export type DatasetStatus = 'uploaded' | 'preprocessed' | 'tokens-counted' | 'accepted' | 'rejected' | 'withdrawn';

export type DatasetState =
  { status: 'none' } | { status: DatasetStatus; datasetId: string; owner: DatasetOwner; tokens?: string; tokenizer?: string };

const FORMATS: readonly DatasetFormat[] = ['txt', 'markdown', 'jsonl', 'csv', 'parquet'];
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
    if (event.type === 'DatasetUploaded') return { status: 'uploaded', datasetId: event.data.datasetId, owner: ownerOf(event.data) };
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
        const isOwner =
          state.owner.kind === 'contribution'
            ? requestedBy.role === 'contributor' && requestedBy.id === state.owner.contributorId
            : requestedBy.role === 'consumer' && requestedBy.id === state.owner.consumerId;
        if (!isOwner) throw new ForbiddenError('dataset-not-owner', 'Only the owner of a dataset may withdraw it', { field: 'datasetId' });
        if (state.status === 'withdrawn')
          throw new IllegalStateError('dataset-already-withdrawn', `Dataset ${datasetId} is already withdrawn`, { field: 'datasetId' });
        const s = inState(state, datasetId, ['accepted'], 'withdraw');
        return [
          {
            type: 'DatasetWithdrawn',
            data: {
              ...s.owner,
              datasetId: s.datasetId,
              tokens: s.tokens as string,
              ...(reason === undefined ? {} : { reason }),
              withdrawnAt: now,
            },
          },
        ];
      }
      default:
        return assertNever(command, 'dataset command');
    }
  },
};
