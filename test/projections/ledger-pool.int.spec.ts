import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { createEventStore, type EventStore, type NewEvent } from '@1tt/event-store';
import { PoolState } from '@1tt/ledger';
import { ProjectionRunner, SqliteReadModelStore } from '@1tt/read-models';
import {
  POOL_CONTRIBUTORS,
  POOL_TOTALS,
  POOL_TOTALS_ID,
  poolProjection,
  type PoolContributorDoc,
  type PoolTotalsDoc,
} from '../../src/ledger-queries/pool/pool.projection';

/**
 * The pool read model against the ledger's own pool fold (PoolState, what
 * payout runs are computed from): for random logs of uploads, acceptances,
 * rejections and withdrawals, the read model at EVERY position P gives the
 * same tokens per contributor and ΣT as PoolState.at(P). Real SQLite stores.
 */
type Step = { kind: 'upload'; contributor: number; tokens: number; accept: boolean } | { kind: 'withdraw'; pick: number };

const step = fc.oneof(
  fc.record({
    kind: fc.constant('upload' as const),
    contributor: fc.integer({ min: 0, max: 4 }),
    tokens: fc.integer({ min: 0, max: 5000 }),
    accept: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('withdraw' as const), pick: fc.nat() }),
);

describe('ledger-pool projection equals the ledger pool fold at every position', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), '1tt-pool-proj-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('for random logs (and a rebuild from 0 equals the live run)', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 25 }), async (steps: Step[]) => {
        run++;
        const events: EventStore = await createEventStore(`sqlite:${path.join(dir, `events-${run}.db`)}`);
        const store = SqliteReadModelStore.open({ path: path.join(dir, `rm-${run}.db`) });
        try {
          const accepted: string[] = [];
          let n = 0;
          for (const s of steps) {
            if (s.kind === 'withdraw') {
              if (accepted.length === 0) continue;
              const id = accepted.splice(s.pick % accepted.length, 1)[0];
              await events.appendToStream(
                `dataset-${id}`,
                [{ type: 'DatasetWithdrawn', data: { datasetId: id, withdrawnAt: '2026-01-02T00:00:00.000Z' } }],
                { expectedRevision: 'any' },
              );
              continue;
            }
            const id = `d${n++}`;
            const contributorId = `c${s.contributor}`;
            const list: NewEvent[] = [
              {
                type: 'DatasetUploaded',
                data: {
                  datasetId: id,
                  kind: 'contribution',
                  contributorId,
                  fileName: 'f.txt',
                  format: 'txt',
                  compression: 'none',
                  sizeBytes: 1,
                  sha256: id,
                },
              },
              {
                type: 'DatasetTokensCounted',
                data: { datasetId: id, tokenizer: 'o200k_base', tokens: String(s.tokens), countedAt: '2026-01-01T00:00:00.000Z' },
              },
              s.accept
                ? {
                    type: 'DatasetAccepted',
                    data: {
                      datasetId: id,
                      kind: 'contribution',
                      contributorId,
                      tokens: String(s.tokens),
                      acceptedAt: '2026-01-01T00:00:00.000Z',
                    },
                  }
                : { type: 'DatasetRejected', data: { datasetId: id, reason: 'quality', rejectedAt: '2026-01-01T00:00:00.000Z' } },
            ];
            await events.appendToStream(`dataset-${id}`, list, { expectedRevision: 'no-stream' });
            if (s.accept) accepted.push(id);
          }
          const head = await events.headPosition();
          const log = [];
          for await (const e of events.readAll()) log.push(e);
          const fold = PoolState.fromEvents(log);

          const runner = new ProjectionRunner(store, events, poolProjection, { maxBatchSize: 7 });
          await runner.start();
          expect(await runner.waitFor(head, 10_000)).toBe(true);
          const readAt = async (p: number) => {
            const totals = await store.get<PoolTotalsDoc>(POOL_TOTALS, POOL_TOTALS_ID, { atPosition: p });
            const page = await store.find<PoolContributorDoc>(POOL_CONTRIBUTORS, { atPosition: p, limit: 1000 });
            return { total: totals?.doc.totalTokens ?? '0', contributors: page.items.map((i) => [i.id, i.doc.tokens]) };
          };
          const live = [];
          for (let p = 0; p <= head; p++) {
            const expected = fold.at(p);
            const got = await readAt(p);
            const want = {
              total: expected.totalTokens.toString(),
              contributors: [...expected.contributors.entries()]
                .filter(([, t]) => t > 0n)
                .sort(([a], [b]) => (a < b ? -1 : 1))
                .map(([c, t]) => [c, t.toString()]),
            };
            expect({ p, ...got }).toEqual({ p, ...want });
            live.push(got);
          }
          await runner.rebuild();
          expect(await runner.waitFor(head, 10_000)).toBe(true);
          for (let p = 0; p <= head; p++) expect(await readAt(p)).toEqual(live[p]);
          await runner.stop();
        } finally {
          await store.close();
          await events.close();
        }
      }),
      { numRuns: 25 },
    );
  }, 120_000);
});
