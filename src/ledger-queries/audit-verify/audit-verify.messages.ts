import type { RecordedEvent } from '@1tt/event-store';
import type { LogVerificationResult } from './log-verification';

/** Main thread → verify worker. */
export type VerifyRequest = { kind: 'events'; events: RecordedEvent[] } | { kind: 'end' };

/** Verify worker → main thread: one per request. `going` false: a hash chain broke, send no more events. */
export type VerifyReply =
  { kind: 'ack'; going: boolean } | { kind: 'result'; result: LogVerificationResult } | { kind: 'error'; message: string };
