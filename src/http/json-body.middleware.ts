import express, { type RequestHandler } from 'express';
import { problem, sendProblem } from './problem-details';

/**
 * JSON body parsing with its failures answered as problem+json. Nest's own
 * parser is switched off (bodyParser: false) because its errors happen in
 * Express middleware, before any Nest exception filter could format them.
 * Only JSON types are parsed; multipart uploads stream through untouched.
 */
export function jsonBodyParser(limitBytes: number): RequestHandler {
  const parse = express.json({ limit: limitBytes, type: ['application/json', 'application/*+json'], strict: true });
  return (req, res, next) => {
    parse(req, res, (err?: unknown) => {
      if (!err) return next();
      const e = err as { type?: string; status?: number; message?: string };
      const instance = req.originalUrl.split('?')[0];
      if (e.type === 'entity.too.large') {
        return sendProblem(
          res,
          problem(413, 'body_too_large', `The JSON body is larger than ${limitBytes} bytes`, {
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
          problem(400, 'malformed_json', 'The body is not valid JSON', {
            instance,
            errors: [{ field: 'body', reason: e.message ?? 'is not valid JSON' }],
          }),
        );
      }
      if (e.type === 'encoding.unsupported' || e.type === 'charset.unsupported') {
        return sendProblem(res, problem(415, 'unsupported_encoding', e.message ?? 'Unsupported body encoding', { instance }));
      }
      const status = typeof e.status === 'number' && e.status >= 400 && e.status < 500 ? e.status : 400;
      return sendProblem(res, problem(status, 'unreadable_body', e.message ?? 'The body could not be read', { instance }));
    });
  };
}
