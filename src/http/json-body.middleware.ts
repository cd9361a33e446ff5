import express, { type RequestHandler } from 'express';
import { problem, sendProblem } from './problem-details';

/**
 * JSON body parsing with its failures answered as problem+json. Nest's own
 * parser is switched off (bodyParser: false) because its errors happen in
 * Express middleware, before any Nest exception filter could format them.
 * Only JSON types are parsed; multipart uploads stream through untouched.
 */
/** No request DTO nests deeper than a few levels; 32 leaves room without letting recursion run away. */
export const MAX_JSON_DEPTH = 32;

/** Iterative (a recursive walk would overflow on the very input it guards against). */
export function jsonDepthExceeds(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop() as [unknown, number];
    if (v === null || typeof v !== 'object') continue;
    if (depth > max) return true;
    for (const child of Object.values(v as Record<string, unknown>))
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}

export function jsonBodyParser(limitBytes: number): RequestHandler {
  const parse = express.json({ limit: limitBytes, type: ['application/json', 'application/*+json'], strict: true });
  return (req, res, next) => {
    parse(req, res, (err?: unknown) => {
      if (!err) {
        // Deeply nested JSON parses fine but overflows the stack of the recursive DTO transform (a 500): refuse it here.
        if (jsonDepthExceeds(req.body, MAX_JSON_DEPTH)) {
          return sendProblem(
            res,
            problem(400, 'json-too-deep', `The JSON body is nested deeper than ${MAX_JSON_DEPTH} levels`, {
              instance: req.originalUrl.split('?')[0],
              errors: [{ field: 'body', reason: `must be nested at most ${MAX_JSON_DEPTH} levels deep` }],
            }),
          );
        }
        return next();
      }
      const e = err as { type?: string; status?: number; message?: string };
      const instance = req.originalUrl.split('?')[0];
      if (e.type === 'entity.too.large') {
        return sendProblem(
          res,
          problem(413, 'body-too-large', `The JSON body is larger than ${limitBytes} bytes`, {
            instance,
            errors: [{ field: 'body', reason: `must be at most ${limitBytes} bytes` }],
            limitBytes,
          }),
          { Connection: 'close' },
        );
      }
      if (e.type === 'entity.parse.failed') {
        return sendProblem(
          res,
          problem(400, 'malformed-json', 'The body is not valid JSON', {
            instance,
            errors: [{ field: 'body', reason: e.message ?? 'is not valid JSON' }],
          }),
        );
      }
      if (e.type === 'encoding.unsupported' || e.type === 'charset.unsupported') {
        return sendProblem(res, problem(415, 'unsupported-encoding', e.message ?? 'Unsupported body encoding', { instance }));
      }
      const status = typeof e.status === 'number' && e.status >= 400 && e.status < 500 ? e.status : 400;
      return sendProblem(res, problem(status, 'unreadable-body', e.message ?? 'The body could not be read', { instance }));
    });
  };
}
