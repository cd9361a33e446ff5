/**
 * Worker-thread entry of /v1/audit/verify: receives the log in batches from
 * AuditVerifier, checks them (LogVerification) and acknowledges each batch
 * so the sender never runs more than a batch ahead; answers the result on
 * 'end'. Loaded as compiled .js from dist, or from the .ts source through
 * tsx when running under Jest.
 */
import { parentPort } from 'node:worker_threads';
import { LogVerification } from './log-verification';
import type { VerifyReply, VerifyRequest } from './audit-verify.messages';

const verification = new LogVerification();

parentPort!.on('message', (req: VerifyRequest) => {
  let reply: VerifyReply;
  try {
    if (req.kind === 'events') {
      verification.add(req.events);
      reply = { kind: 'ack', going: verification.going };
    } else {
      reply = { kind: 'result', result: verification.finish() };
    }
  } catch (e) {
    reply = { kind: 'error', message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  }
  parentPort!.postMessage(reply);
});
