import { ConflictError, ForbiddenError, IllegalStateError, NotFoundError, ValidationError } from '@1tt/domain-errors';
import { assertNever, type Decider } from '../decider/decider';
import { assertId, boundedText } from '../identifiers/identifier';
import { parseInstant } from '../time/instant';
import type { DataRequestCommand, DataRequestContext } from './data-request.commands';
import type { DataRequestEvent, DataRequestOpened } from './data-request.events';

export type DataRequestState = { status: 'none' } | { status: 'open' | 'closed'; request: DataRequestOpened['data']; closedAt?: string };

/** The content classes of routed pipelines (@1tt/preprocessing CONTENT_CLASSES; the ledger does not import the pipeline). */
export const DATA_REQUEST_CONTENT_CLASSES = ['prose', 'markdown', 'code', 'reference'] as const;
const LANGUAGE = /^[a-z]{2,3}$/;
const TOKENS = /^[1-9]\d{0,17}$/;
const WEIGHT = /^(\d{1,2})(?:\.(\d{1,6}))?$/;
export const WEIGHT_SCALE = 1_000_000n;
const MAX_LIST = 50;

/** A weight "1.5" → 1_500_000 millionths; refuses anything but 1 < w ≤ 10 with at most 6 decimals. */
export function parseRequestWeight(value: unknown, field = 'weight'): bigint {
  const m = typeof value === 'string' ? WEIGHT.exec(value) : null;
  if (!m)
    throw new ValidationError('data-request-weight-invalid', `${field} must be a decimal string with at most 6 decimals, e.g. "1.5"`, {
      field,
      hint: 'Send the weight as a JSON string: greater than 1, at most 10.',
    });
  const micros = BigInt(m[1]) * WEIGHT_SCALE + BigInt((m[2] ?? '').padEnd(6, '0'));
  if (micros <= WEIGHT_SCALE || micros > 10n * WEIGHT_SCALE)
    throw new ValidationError('data-request-weight-invalid', `${field} must be greater than 1 and at most 10`, {
      field,
      hint: 'A weight of 1 is an ordinary token; a request pays more, at most 10 times.',
    });
  return micros;
}

/** Millionths → the canonical decimal string (no trailing zeros): 1_500_000 → "1.5". */
export function formatRequestWeight(micros: bigint): string {
  const whole = micros / WEIGHT_SCALE;
  const fraction = (micros % WEIGHT_SCALE).toString().padStart(6, '0').replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : whole.toString();
}

function list(value: unknown, field: string, each: (v: unknown, field: string) => string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.length > MAX_LIST)
    throw new ValidationError('data-request-list-invalid', `${field} must be a list of at most ${MAX_LIST} values`, { field });
  return [...new Set(value.map((v, i) => each(v, `${field}[${i}]`)))];
}

/**
 * A data request's lifecycle: none → open → closed (by DELETE before
 * closesAt; after closesAt it is closed by time, no event needed).
 */
export const dataRequestDecider: Decider<DataRequestCommand, DataRequestEvent, DataRequestState, DataRequestContext> = {
  initialState: { status: 'none' },

  evolve(state, event) {
    switch (event.type) {
      case 'DataRequestOpened':
        return { status: 'open', request: event.data };
      case 'DataRequestClosed':
        return state.status === 'none' ? state : { ...state, status: 'closed', closedAt: event.data.closedAt };
      default:
        return assertNever(event, 'data request event');
    }
  },

  decide(command, state, context) {
    const now = context.now.toISOString();
    switch (command.type) {
      case 'OpenDataRequest': {
        const d = command.data;
        const requestId = assertId(d.requestId, 'requestId');
        const consumerId = assertId(d.consumerId, 'consumerId');
        const title = boundedText(d.title, 'title', 200);
        const description = boundedText(d.description, 'description', 5000);
        const languages = list(d.languages, 'languages', (v, f) => {
          if (typeof v !== 'string' || !LANGUAGE.test(v))
            throw new ValidationError('data-request-list-invalid', `${f} must be an ISO 639 code such as "en" or "zxx"`, { field: f });
          return v;
        });
        const contentClasses = list(d.contentClasses, 'contentClasses', (v, f) => {
          if (!(DATA_REQUEST_CONTENT_CLASSES as readonly unknown[]).includes(v))
            throw new ValidationError('data-request-list-invalid', `${f} must be one of ${DATA_REQUEST_CONTENT_CLASSES.join(', ')}`, {
              field: f,
            });
          return v as string;
        });
        const keywords = list(d.keywords, 'keywords', (v, f) => boundedText(v, f, 100).trim().toLowerCase());
        const sampleText = d.sampleText === undefined || d.sampleText === null ? null : boundedText(d.sampleText, 'sampleText', 20_000);
        if (typeof d.tokenTarget !== 'string' || !TOKENS.test(d.tokenTarget))
          throw new ValidationError('data-request-token-target-invalid', 'tokenTarget must be a whole number of tokens ≥ 1, as a string', {
            field: 'tokenTarget',
            hint: 'E.g. "1000000".',
          });
        const weight = formatRequestWeight(parseRequestWeight(d.weight));
        const opensAt = d.opensAt === undefined || d.opensAt === null ? now : parseInstant(d.opensAt, 'opensAt');
        const closesAt = parseInstant(d.closesAt, 'closesAt');
        const weightUntil = parseInstant(d.weightUntil, 'weightUntil');
        if (Date.parse(closesAt) <= Date.parse(opensAt) || Date.parse(closesAt) <= context.now.getTime())
          throw new ValidationError('data-request-window-invalid', 'closesAt must be after opensAt and in the future', {
            field: 'closesAt',
            hint: 'A request is open from opensAt (default: now) until closesAt.',
          });
        if (Date.parse(weightUntil) < Date.parse(closesAt))
          throw new ValidationError('data-request-window-invalid', 'weightUntil must not be before closesAt', {
            field: 'weightUntil',
            hint: 'Credited tokens weigh more in your payout runs until weightUntil; it cannot end while uploads are still credited.',
          });
        if (state.status !== 'none')
          throw new ConflictError('data-request-exists', `Data request ${requestId} already exists`, { field: 'requestId' });
        if (context.consumerRegistered !== true)
          throw new NotFoundError('consumer-not-found', `Consumer ${consumerId} is not registered`, { field: 'consumerId' });
        return [
          {
            type: 'DataRequestOpened',
            data: {
              requestId,
              consumerId,
              title,
              description,
              languages,
              contentClasses,
              keywords,
              sampleText,
              tokenTarget: d.tokenTarget,
              weight,
              opensAt,
              closesAt,
              weightUntil,
              openedAt: now,
            },
          },
        ];
      }
      case 'CloseDataRequest': {
        const { requestId, requestedBy } = command.data;
        if (state.status === 'none')
          throw new NotFoundError('data-request-not-found', `No data request ${requestId}`, { field: 'requestId' });
        const r = state.request;
        // Another consumer learns nothing: the same 404 as a missing request.
        if (requestedBy.role === 'consumer' && requestedBy.id !== r.consumerId)
          throw new NotFoundError('data-request-not-found', `No data request ${requestId}`, { field: 'requestId' });
        if (requestedBy.role !== 'admin' && requestedBy.role !== 'consumer')
          throw new ForbiddenError('data-request-not-owner', 'Only the requesting consumer or an admin closes a request', {});
        if (state.status === 'closed' || Date.parse(r.closesAt) <= context.now.getTime())
          throw new IllegalStateError('data-request-closed', `Data request ${requestId} is already closed`, { field: 'requestId' });
        return [
          {
            type: 'DataRequestClosed',
            data: {
              requestId: r.requestId,
              consumerId: r.consumerId,
              closedBy: requestedBy.role === 'admin' ? 'admin' : 'consumer',
              closedAt: now,
            },
          },
        ];
      }
      default:
        return assertNever(command, 'data request command');
    }
  },
};
