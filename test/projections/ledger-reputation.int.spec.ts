import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import type { Principal } from '@1tt/access';
import { NotFoundError } from '@1tt/domain-errors';
import { SqliteEventStore, type NewEvent, type RecordedEvent } from '@1tt/event-store';
import { isoDayOf, ReputationLog } from '@1tt/ledger';
import { ProjectionRunner, SqliteReadModelStore } from '@1tt/read-models';
import type { LedgerReadModels } from '../../src/ledger-queries/ledger-read-models.service';
import { reputationProjection } from '../../src/ledger-queries/reputation/reputation.projection';
import { ReputationQuery } from '../../src/ledger-queries/reputation/reputation.query';

/**
 * Issue #15: the reputation the API answers (read model + ReputationQuery)
 * equals an independent recomputation from the log (ReputationLog, what
 * `1tt audit reputation` runs) at random positions of random logs: uploads
 * accepted with random document counts, rejected, withdrawn, contributors
 * registered late or never, days passing (the store's clock moves).
 * Real SQLite stores.
 */
type Step =
  | { kind: 'register'; contributor: number }
  | {
      kind: 'upload';
      contributor: number;
      tokens: number;
      kept: number;
      removed: number;
      dup: number;
      accept: boolean;
      preprocessed: boolean;
    }
  | { kind: 'withdraw'; pick: number }
  | { kind: 'days'; days: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('register' as const), contributor: fc.integer({ min: 0, max: 3 }) }),
  fc.record({
    kind: fc.constant('upload' as const),
    contributor: fc.integer({ min: 0, max: 3 }),
    tokens: fc.integer({ min: 1, max: 100_000 }),
    kept: fc.integer({ min: 1, max: 40 }),
    removed: fc.nat(40),
    dup: fc.nat(10),
    accept: fc.boolean(),
    preprocessed: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('withdraw' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('days' as const), days: fc.integer({ min: 1, max: 200 }) }),
);

const auditor: Principal = { role: 'auditor', subjectId: 'au', keyId: 'k' };

describe('ledger-reputation read model equals the recomputation from the log', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), '1tt-rep-proj-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('at random positions of random logs', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { minLength: 1, maxLength: 30 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 3, maxLength: 6 }),
        async (steps, picks) => {
          run++;
          let now = Date.parse('2026-01-01T09:00:00.000Z');
          const events = new SqliteEventStore({ path: path.join(dir, `events-${run}.db`), clock: () => new Date(now) });
          const store = SqliteReadModelStore.open({ path: path.join(dir, `rm-${run}.db`) });
          try {
            const accepted: Array<{ id: string; contributorId: string; tokens: string }> = [];
            const registered = new Set<string>();
            let n = 0;
            // Something on the log first, so the clock exists before any contributor.
            await events.appendToStream('consumer-x', [{ type: 'ConsumerRegistered', data: { consumerId: 'x', displayName: 'X' } }], {
              expectedRevision: 'no-stream',
            });
            for (const s of steps) {
              if (s.kind === 'days') {
                now += s.days * 86_400_000;
                await events.appendToStream('consumer-x', [{ type: 'RevenueShareAgreed', data: { consumerId: 'x' } }], {
                  expectedRevision: 'any',
                });
                continue;
              }
              if (s.kind === 'register') {
                const contributorId = `c${s.contributor}`;
                if (registered.has(contributorId)) continue;
                registered.add(contributorId);
                await events.appendToStream(
                  `contributor-${contributorId}`,
                  [
                    {
                      type: 'ContributorRegistered',
                      data: { contributorId, displayName: contributorId, registeredAt: new Date(now).toISOString() },
                    },
                  ],
                  { expectedRevision: 'no-stream' },
                );
                continue;
              }
              if (s.kind === 'withdraw') {
                if (accepted.length === 0) continue;
                const d = accepted.splice(s.pick % accepted.length, 1)[0];
                await events.appendToStream(
                  `dataset-${d.id}`,
                  [
                    {
                      type: 'DatasetWithdrawn',
                      data: { datasetId: d.id, kind: 'contribution', contributorId: d.contributorId, tokens: d.tokens },
                    },
                  ],
                  { expectedRevision: 'any' },
                );
                continue;
              }
              const id = `d${n++}`;
              const contributorId = `c${s.contributor}`;
              const tokens = String(s.tokens);
              const list: NewEvent[] = [
                { type: 'DatasetUploaded', data: { datasetId: id, kind: 'contribution', contributorId, fileName: 'f.txt', format: 'txt' } },
              ];
              if (s.preprocessed)
                list.push({
                  type: 'DatasetPreprocessed',
                  data: {
                    datasetId: id,
                    documentsIn: s.kept + s.removed + s.dup,
                    documentsKept: s.kept,
                    duplicatesOfEarlier: s.dup,
                    removed: {},
                  },
                });
              list.push({ type: 'DatasetTokensCounted', data: { datasetId: id, tokenizer: 'o200k_base', tokens } });
              list.push(
                s.accept
                  ? {
                      type: 'DatasetAccepted',
                      data: {
                        datasetId: id,
                        kind: 'contribution',
                        contributorId,
                        tokens,
                        ...(s.dup % 2 === 1
                          ? { requestCredit: { requestId: 'r', creditedTokens: String(Math.floor(s.tokens / (s.kept + 1))) } }
                          : {}),
                      },
                    }
                  : { type: 'DatasetRejected', data: { datasetId: id, reason: 'no_documents_kept' } },
              );
              await events.appendToStream(`dataset-${id}`, list, { expectedRevision: 'no-stream' });
              if (s.accept) accepted.push({ id, contributorId, tokens });
            }
            const head = await events.headPosition();
            const log: RecordedEvent[] = [];
            for await (const e of events.readAll()) log.push(e);

            const runner = new ProjectionRunner(store, events, reputationProjection, { maxBatchSize: 5 });
            await runner.start();
            expect(await runner.waitFor(head, 10_000)).toBe(true);
            await runner.stop();
            const rm = { store, positionFor: async (q: { atPosition?: string }) => Number(q.atPosition) } as unknown as LedgerReadModels;
            const query = new ReputationQuery(rm);
            const positions = [head, ...picks.map((p) => Math.floor(p * head))];
            for (const p of positions) {
              const fold = ReputationLog.fromEvents(log, p);
              for (const c of ['c0', 'c1', 'c2', 'c3']) {
                const expected = fold.reputationOf(c);
                if (expected === undefined) {
                  await expect(query.reputation(auditor, c, { atPosition: String(p) })).rejects.toBeInstanceOf(NotFoundError);
                  continue;
                }
                const got = await query.reputation(auditor, c, { atPosition: String(p) });
                expect(got).toEqual({ contributorId: c, ...expected, evaluatedOn: isoDayOf(fold.evaluationDay!), position: p });
              }
            }
          } finally {
            await events.close();
            await store.close();
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});
