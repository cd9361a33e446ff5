import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { Observable, Subject } from 'rxjs';
import { canSee, type Audience, type Principal } from '@1tt/access';

/**
 * One read-side change, as pushed to /v1/events subscribers.
 * `audience` says who may see it (admin and auditor always do); keep `data`
 * small and free of anything the audience may not read — clients re-read
 * the resource named in it.
 */
export interface ChangeMessage {
  /** SSE event name, e.g. "pool.changed", "payout-run.completed". */
  type: string;
  data: Record<string, unknown>;
  audience: Audience;
  /** Log position the read model reflects after the change (becomes the SSE id). */
  position?: number;
  /** Extra per-message rule, applied after the audience check (e.g. hide a field's existence). */
  visibleTo?: (principal: Principal) => boolean;
}

/**
 * The one scoping rule of /v1/events: may this caller receive this message?
 * Webhooks owned by contributors and consumers use it too (src/webhooks).
 */
export function mayReceive(principal: Principal, message: Pick<ChangeMessage, 'audience' | 'visibleTo'>): boolean {
  return canSee(principal, message.audience) && (message.visibleTo?.(principal) ?? true);
}

/**
 * The in-process bus from projections to SSE clients. Projections (or their
 * runner) call publish() after committing a read-model change. Delivery is
 * best effort and live only: a client that reconnects re-reads state.
 */
@Injectable()
export class ChangeFeed implements OnModuleDestroy {
  private readonly subject = new Subject<ChangeMessage>();
  private subscribers = 0;

  publish(message: ChangeMessage): void {
    this.subject.next(message);
  }

  messages(): Observable<ChangeMessage> {
    return new Observable<ChangeMessage>((observer) => {
      this.subscribers++;
      const sub = this.subject.subscribe(observer);
      return () => {
        this.subscribers--;
        sub.unsubscribe();
      };
    });
  }

  /** Open SSE streams (for tests and metrics). */
  get subscriberCount(): number {
    return this.subscribers;
  }

  /** Ends every stream at shutdown so the HTTP server can finish closing. */
  onModuleDestroy(): void {
    this.subject.complete();
  }
}
