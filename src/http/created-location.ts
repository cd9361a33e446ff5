import { applyDecorators, Injectable, SetMetadata, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiExtension } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { map, type Observable } from 'rxjs';

const LOCATION_TEMPLATE = 'created-location-template';
/** The OpenAPI extension the decorator leaves on the operation; completeOperations turns it into a documented `Location` header. */
export const LOCATION_EXTENSION = 'x-created-location';

/**
 * The route creates a resource found at `template`: `{name}` is taken from
 * the answer's field of that name, else from the route parameter
 * (`/v1/payout-batches/{batchId}`, `/v1/payout-runs/{revenueId}`). The
 * answer carries it as the `Location` header (CreatedLocationInterceptor,
 * global) and OpenAPI documents it on the created (or accepted) response.
 */
export function LocationOf(template: string): MethodDecorator {
  return applyDecorators(SetMetadata(LOCATION_TEMPLATE, template), ApiExtension(LOCATION_EXTENSION, template));
}

/** The template filled from the body (first) and the route parameters; undefined when a name has no value. */
export function locationFrom(template: string, body: unknown, params: Record<string, string> = {}): string | undefined {
  let missing = false;
  const fields = body !== null && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  const location = template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = typeof fields[name] === 'string' ? (fields[name] as string) : params[name];
    if (typeof v !== 'string' || v.length === 0) {
      missing = true;
      return '';
    }
    return encodeURIComponent(v);
  });
  return missing ? undefined : location;
}

/** Sets `Location` on the answers of routes marked @LocationOf (unless the handler set one itself). */
@Injectable()
export class CreatedLocationInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const template = this.reflector.get<string | undefined>(LOCATION_TEMPLATE, context.getHandler());
    if (!template || context.getType() !== 'http') return next.handle();
    const http = context.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    return next.handle().pipe(
      map((body: unknown) => {
        const location = locationFrom(template, body, req.params as Record<string, string>);
        if (location && !res.headersSent && res.getHeader('Location') === undefined) res.setHeader('Location', location);
        return body;
      }),
    );
  }
}
