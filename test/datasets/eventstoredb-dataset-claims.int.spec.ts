import { streamNames } from '@1tt/ledger';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LocalBlobStore } from '@1tt/blob-store';
import { DatasetProcessor, EventStoreDbDatasetClaims, type ClaimsContext } from '@1tt/dataset-processing';
import { createEventStore, type EventStore } from '@1tt/event-store';
import { blankLineTextSource } from './dataset-text-source';
import { licenseText } from '../support/license-texts';
import { upload } from '../support/dataset-uploads';

/**
 * Competing consumers on a real EventStoreDB (persistent subscription to
 * $all filtered on DatasetUploaded). No server exists on this machine:
 * without EVENTSTOREDB_URL the suite is reported as skipped, never passed.
 */
const url = process.env.EVENTSTOREDB_URL;
jest.setTimeout(120_000);

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, tries = 600): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

(url ? describe : describe.skip)(
  url ? 'EventStoreDB dataset claims' : 'EventStoreDB dataset claims (skipped: no server; set EVENTSTOREDB_URL)',
  () => {
    let events: EventStore;
    let dir: string;
    let blobs: LocalBlobStore;
    // One group and one id prefix per run: the server keeps groups and streams between runs.
    const run = randomUUID().slice(0, 8);
    const group = `1tt-dataset-workers-test-${run}`;
    beforeAll(async () => {
      events = await createEventStore(url!);
      dir = mkdtempSync(path.join(os.tmpdir(), '1tt-esdb-claims-'));
      blobs = await LocalBlobStore.open({ dir: path.join(dir, 'blobs') });
    });
    afterAll(async () => {
      await events?.close();
      await blobs?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('hands each upload to one consumer; a nack(retry) and a consumer that leaves get it redelivered', async () => {
      const decided = new Set<string>();
      const ctx: ClaimsContext = { wake: () => undefined, isDecided: (id) => decided.has(id), logError: (m, e) => console.error(m, e) };
      const a = new EventStoreDbDatasetClaims({ connectionString: url!, group: `${group}-a`, bufferSize: 8 });
      const b = new EventStoreDbDatasetClaims({ connectionString: url!, group: `${group}-a`, bufferSize: 8 });
      await a.start(ctx);
      await b.start(ctx);
      let bStopped = false;
      try {
        const ids = Array.from({ length: 6 }, (_, i) => `claims-${run}-${i}`);
        for (const id of ids) await upload({ events, blobs }, id, `${licenseText('GPL-2')}\n${id}`);
        const holders = async (id: string) => [(await a.tryClaim(id)) ? 'a' : '', (await b.tryClaim(id)) ? 'b' : ''].filter(Boolean);
        for (const id of ids) await until(`${id} delivered`, async () => ((await holders(id)).length > 0 ? true : undefined));
        for (const id of ids) expect(await holders(id)).toHaveLength(1);
        expect(new Set(await Promise.all(ids.map(async (id) => (await holders(id))[0]))).size).toBe(2);

        // Decided → acked, never delivered again.
        decided.add(ids[0]);
        await a.decided(ids[0]);
        await b.decided(ids[0]);

        // A failed analysis: retried (to either consumer).
        const failed = ids[1];
        const owner = (await a.tryClaim(failed)) ? a : b;
        await owner.release(failed, 'test: transient failure');
        await until(`${failed} redelivered`, async () => ((await a.tryClaim(failed)) || (await b.tryClaim(failed)) ? true : undefined));

        // A consumer that leaves: what it held goes to the other.
        const heldByB: string[] = [];
        for (const id of ids.slice(1)) if (await b.tryClaim(id)) heldByB.push(id);
        await b.stop();
        bStopped = true;
        for (const id of heldByB) await until(`${id} redelivered to a`, async () => ((await a.tryClaim(id)) ? true : undefined));
      } finally {
        await a.stop();
        if (!bStopped) await b.stop();
      }
    });

    it('two processors on one log share the datasets and decide each exactly once', async () => {
      const make = (actor: string) =>
        new DatasetProcessor({
          events,
          blobs,
          openSource: blankLineTextSource,
          workerThreads: 1,
          actor,
          claims: new EventStoreDbDatasetClaims({ connectionString: url!, group: `${group}-p` }),
        });
      const p1 = make('system:test-1');
      const p2 = make('system:test-2');
      p1.start();
      p2.start();
      try {
        const ids = Array.from({ length: 6 }, (_, i) => `shared-${run}-${i}`);
        for (const [i, id] of ids.entries())
          await upload(
            { events, blobs },
            id,
            Array.from({ length: 30 }, (_, k) => `${licenseText(['GPL-3', 'Apache-2.0', 'MPL-2.0'][k % 3])}\n${id} ${i} ${k}`).join('\n\n'),
          );
        const actors = new Set<string>();
        for (const id of ids) {
          const recorded = await until(`${id} decided`, async () => {
            const r = await events.readStream(streamNames.dataset(id));
            return r.length > 1 ? r : undefined;
          });
          expect(recorded.map((e) => e.type).slice(1, 3)).toEqual(['DatasetPreprocessed', 'DatasetTokensCounted']);
          actors.add(recorded[1].metadata.actor);
        }
        await p1.stop();
        await p2.stop();
        for (const id of ids) expect((await events.readStream(streamNames.dataset(id))).length).toBe(4);
        expect([...actors].sort()).toEqual(['system:test-1', 'system:test-2']);
      } finally {
        await p1.stop();
        await p2.stop();
      }
    });
  },
);
