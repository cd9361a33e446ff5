import type { Clock } from '../decider/decider';

export interface OpenDataRequest {
  type: 'OpenDataRequest';
  data: {
    requestId: string;
    consumerId: string;
    title?: unknown;
    description?: unknown;
    languages?: unknown;
    contentClasses?: unknown;
    keywords?: unknown;
    sampleText?: unknown;
    tokenTarget?: unknown;
    weight?: unknown;
    opensAt?: unknown;
    closesAt?: unknown;
    weightUntil?: unknown;
  };
}

export interface CloseDataRequest {
  type: 'CloseDataRequest';
  data: { requestId: string; requestedBy: { role: 'contributor' | 'consumer' | 'admin' | 'auditor'; id: string } };
}

export type DataRequestCommand = OpenDataRequest | CloseDataRequest;

export interface DataRequestContext extends Clock {
  /** OpenDataRequest: whether the consumer is registered. */
  consumerRegistered?: boolean;
}
