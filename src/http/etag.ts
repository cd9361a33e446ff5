/**
 * ETag / If-Match for entities backed by one event stream: the ETag is the
 * stream revision ("\"7\""), and If-Match turns into the expected revision of
 * the append, so a lost update is refused atomically by the store
 * (WrongExpectedRevision → 412 when If-Match was sent).
 *
 *   @Get(':id') async get(@Param('id') id, @Res({ passthrough: true }) res) {
 *     const { view, revision } = await ...;
 *     setEtag(res, revision);
 *     return view;
 *   }
 *   @Put(':id/agreement') async put(@IfMatchRevision() expected: ExpectedRevision | undefined, ...) {
 *     await decideOnStream(events, stream, decider, command, { ...options, expectedRevision: expected });
 *   }
 *
 * For read-side documents with no single stream, contentEtag(body) hashes
 * the canonical JSON instead.
 */
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request, Response } from 'express';
import { canonicalJson, sha256Hex } from '@1tt/canonical-json';
import { ValidationError } from '@1tt/domain-errors';
import type { ExpectedRevision } from '@1tt/event-store';

export function revisionEtag(revision: number): string {
  return `"${revision}"`;
}

export function contentEtag(body: unknown): string {
  return `"${sha256Hex(canonicalJson(body)).slice(0, 32)}"`;
}

export function setEtag(res: Response, etag: string | number): void {
  res.setHeader('ETag', typeof etag === 'number' ? revisionEtag(etag) : etag);
}

/**
 * If-Match → expected revision: undefined when absent, 'exists' for `*`, the
 * number for `"7"` (weak `W/"7"` accepted). Anything else is a 400 naming the
 * header; several tags are refused because one append has one expected revision.
 */
export function expectedRevisionFromIfMatch(header: string | string[] | undefined): ExpectedRevision | undefined {
  if (header === undefined) return undefined;
  const value = (Array.isArray(header) ? header.join(',') : header).trim();
  if (value === '*') return 'exists';
  const m = /^(?:W\/)?"(\d{1,15})"$/.exec(value);
  if (!m) {
    throw new ValidationError('invalid-if-match', `If-Match ${JSON.stringify(value)} is not an ETag of this API`, {
      field: 'header.If-Match',
      hint: 'Send the ETag header of your last read unchanged, e.g. If-Match: "7".',
    });
  }
  return Number(m[1]);
}

/** Handler parameter: the expected revision from If-Match (undefined when the header is absent). */
export const IfMatchRevision = createParamDecorator((_: unknown, ctx: ExecutionContext) =>
  expectedRevisionFromIfMatch(ctx.switchToHttp().getRequest<Request>().headers['if-match']),
);

/** True when the request's If-None-Match matches the ETag (answer 304 then). */
export function ifNoneMatchHits(req: Request, etag: string): boolean {
  const h = req.headers['if-none-match'];
  if (!h) return false;
  return h.split(',').some((t) => t.trim().replace(/^W\//, '') === etag.replace(/^W\//, '') || t.trim() === '*');
}

/** A read-side entity answer with its content ETag; undefined (and 304) when If-None-Match already holds it. */
export function withContentEtag<T>(req: Request, res: Response, body: T): T | undefined {
  const etag = contentEtag(body);
  setEtag(res, etag);
  if (ifNoneMatchHits(req, etag)) {
    res.status(304);
    return undefined;
  }
  return body;
}
