import { applyDecorators, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';
import type { Request } from 'express';

/**
 * The query parameters every point-in-time read shares (asOf, atPosition,
 * and for lists cursor, limit), passed on as the client sent them: the
 * parsers behind the routes (requestedPosition, parseLimit) own the checks
 * and the 400 answers, so a repeated parameter reaches them as it did
 * through @Query('name').
 */
export interface PointInTimeParamValues {
  asOf?: string;
  atPosition?: string;
  cursor?: string;
  limit?: string;
}

export const PointInTimeParams = createParamDecorator((_: unknown, ctx: ExecutionContext): PointInTimeParamValues => {
  const q = ctx.switchToHttp().getRequest<Request>().query as Record<string, string | undefined>;
  return { asOf: q.asOf, atPosition: q.atPosition, cursor: q.cursor, limit: q.limit };
});

/** OpenAPI for those parameters: asOf and atPosition, plus cursor and limit for a paginated route. */
export function ApiPointInTime(options: { paginated?: boolean } = {}): MethodDecorator & ClassDecorator {
  const decorators = [
    ApiQuery({ name: 'asOf', required: false, description: 'ISO-8601 date-time, e.g. 2025-06-30T23:59:59Z.' }),
    ApiQuery({ name: 'atPosition', required: false, description: 'A log position (0 = before the first event).' }),
  ];
  if (options.paginated) {
    decorators.push(
      ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page.' }),
      ApiQuery({ name: 'limit', required: false, description: '1..1000.' }),
    );
  }
  return applyDecorators(...decorators);
}
