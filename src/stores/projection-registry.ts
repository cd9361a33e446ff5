import { Injectable, Logger } from '@nestjs/common';
import type { EventStore, RecordedEvent } from '@1tt/event-store';
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
  /** Why it stopped (status 'failed'). */
  reason?: string;
  /** The event it failed on (status 'failed', when an event's apply threw). */
  event?: { position: number; type: string; streamName: string };
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
 * Every projection this process runs. Each read model creates its runner
 * here; a runner that stops on an error is logged (which projection, which
 * event, why) and shows in GET /health as `failed` with its reason and the
 * position it stopped at, so stale reads never go unnoticed. A stopped
 * projection resumes from its checkpoint when the process restarts.
 */
@Injectable()
export class ProjectionRegistry {
  private readonly logger = new Logger('Projections');
  private readonly runners: ProjectionRunner[] = [];

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
          `projection ${r.projection.name} failed after position ${r.position} and stopped (its reads answer at that position until it is fixed and the process restarts): ${e.message}`,
          e.stack,
        ),
    });
    this.runners.push(runner);
    return runner;
  }

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
      };
    });
  }
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
