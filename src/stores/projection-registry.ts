import { Injectable, Logger } from '@nestjs/common';
import type { EventStore, LogFollower, LogFollowerStatus, RecordedEvent } from '@1tt/event-store';
import {
  ProjectionRunner,
  type Projection,
  type ProjectionRunnerOptions,
  type ProjectionStatus,
  type ReadModelStore,
} from '@1tt/read-models';

/** One projection as GET /health shows it. */
export interface ProjectionHealthReport {
  name: string;
  status: ProjectionStatus;
  /** The last log position it has applied (reads answer at most here). */
  position: number;
  /** Why it failed (status 'failed'). */
  reason?: string;
  /** The event it failed on (status 'failed', when an event's apply threw). */
  event?: { position: number; type: string; streamName: string };
  /** Failures in a row (status 'failed'). */
  failures?: number;
  /** When it tries again, ISO-8601 (status 'failed'). */
  retryAt?: string;
}

/** One other log follower (payout processor, dataset processor, webhook fan-out, API-key cache) as GET /health shows it. */
export interface FollowerHealthReport {
  name: string;
  status: LogFollowerStatus;
  /** The last log position it has handled. */
  position: number;
  /** Why it failed (status 'failed'). */
  reason?: string;
  /** Failures in a row (status 'failed'). */
  failures?: number;
  /** When it tries again, ISO-8601 (status 'failed'). */
  retryAt?: string;
}

/** An error thrown while applying one event: says which event. */
export class ProjectionApplyError extends Error {
  constructor(
    readonly projection: string,
    readonly event: RecordedEvent,
    cause: unknown,
  ) {
    super(
      `${event.type} at position ${event.position} (stream ${event.streamName}): ${cause instanceof Error ? cause.message : String(cause)}`,
      {
        cause,
      },
    );
    this.name = 'ProjectionApplyError';
  }
}

/**
 * Every log follower this process runs (see LogFollower): the projection
 * runners, which each read model creates here, and the other followers
 * (payout and dataset processors, webhook fan-out, API-key cache), which
 * register with follower(). Each failure is logged (which follower, which
 * event for a projection, why, when it retries) and shows in GET /health as
 * `failed` with its reason, the position it stopped at and the time of the
 * next attempt, so stale reads and stalled processing never go unnoticed.
 * Every follower retries from its checkpoint with a growing delay.
 */
@Injectable()
export class ProjectionRegistry {
  private readonly logger = new Logger('Projections');
  private readonly runners: ProjectionRunner[] = [];
  private readonly followers: LogFollower[] = [];

  runner(
    store: ReadModelStore,
    events: EventStore,
    projection: Projection,
    options: Omit<ProjectionRunnerOptions, 'onError'> = {},
  ): ProjectionRunner {
    const runner = new ProjectionRunner(store, events, withEventInErrors(projection), {
      ...options,
      onError: (e, r) =>
        this.logger.error(
          `projection ${r.projection.name} failed after position ${r.position} (its reads answer at that position until it recovers; ${retrying(r.follower)}): ${e.message}`,
          e.stack,
        ),
    });
    this.runners.push(runner);
    return runner;
  }

  /**
   * Registers a follower for GET /health. Pass the logger's onFailure from
   * here (`logFailures`) so that a failure is logged the same way everywhere.
   */
  follower(follower: LogFollower): LogFollower {
    this.followers.push(follower);
    return follower;
  }

  /** The onFailure a follower registered here logs with. */
  readonly logFailures = (e: Error, follower: LogFollower): void =>
    this.logger.error(`${follower.name} failed after position ${follower.position} (${retrying(follower)}): ${e.message}`, e.stack);

  report(): ProjectionHealthReport[] {
    return this.runners.map((r) => {
      const error = r.error;
      return {
        name: r.projection.name,
        status: r.status,
        position: r.position,
        ...(r.status === 'failed' && error ? { reason: error.message } : {}),
        ...(r.status === 'failed' && error instanceof ProjectionApplyError
          ? { event: { position: error.event.position, type: error.event.type, streamName: error.event.streamName } }
          : {}),
        ...retryReport(r.follower),
      };
    });
  }

  followerReport(): FollowerHealthReport[] {
    return this.followers.map((f) => ({
      name: f.name,
      status: f.status,
      position: f.position,
      ...(f.status === 'failed' && f.error ? { reason: f.error.message } : {}),
      ...retryReport(f),
    }));
  }
}

function retryReport(f: LogFollower): { failures?: number; retryAt?: string } {
  const h = f.health();
  return h.status === 'failed' && h.retryAt ? { failures: h.failures, retryAt: h.retryAt.toISOString() } : {};
}

function retrying(f: LogFollower): string {
  const at = f.health().retryAt;
  return at ? `retrying at ${at.toISOString()}` : 'not retrying';
}

/** The projection, its apply wrapped so that an error names the event it failed on. */
function withEventInErrors(projection: Projection): Projection {
  return {
    ...projection,
    async apply(tx, event) {
      try {
        await projection.apply(tx, event);
      } catch (e) {
        throw new ProjectionApplyError(projection.name, event, e);
      }
    },
  };
}
