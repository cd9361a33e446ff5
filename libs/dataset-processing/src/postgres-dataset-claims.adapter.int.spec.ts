import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { ClaimsContext } from './dataset-claims.port';
import { createDatasetClaims } from './dataset-claims.factory';
import { PostgresDatasetClaims } from './postgres-dataset-claims.adapter';

const url = process.env.POSTGRES_URL;
const context: ClaimsContext = { wake: () => undefined, isDecided: () => false, logError: (m, e) => console.error(m, e) };

if (url) {
  describe('PostgresDatasetClaims (holders on one PostgreSQL schema, a hand-driven clock)', () => {
    let schema: string;
    let clock: number;
    const started: PostgresDatasetClaims[] = [];
    const holder = async (owner: string, now: (() => number) | null = () => clock): Promise<PostgresDatasetClaims> => {
      const c = new PostgresDatasetClaims({
        connectionString: `${url}${url.includes('?') ? '&' : '?'}schema=${schema}`,
        leaseSeconds: 10,
        owner,
        ...(now ? { now } : {}),
      });
      await c.start(context);
      started.push(c);
      return c;
    };
    beforeEach(() => {
      schema = `claims_${randomBytes(6).toString('hex')}`;
      clock = 1_000_000;
    });
    afterEach(async () => {
      for (const c of started.splice(0)) await c.stop();
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    });

    it('gives a dataset to one holder until its lease lapses, then to another', async () => {
      const a = await holder('other-host:1:a');
      const b = await holder('other-host:2:b');
      expect(await a.tryClaim('d1')).toBe(true);
      expect(await b.tryClaim('d1')).toBe(false);
      expect(await a.tryClaim('d1')).toBe(true);
      expect(await b.tryClaim('d2')).toBe(true);
      clock += 10_000;
      expect(await b.tryClaim('d1')).toBe(false);
      clock += 1;
      expect(await b.tryClaim('d1')).toBe(true);
      expect(await a.tryClaim('d1')).toBe(false);
      expect((await a.claims()).find((c) => c.datasetId === 'd1')?.owner).toBe('other-host:2:b');
    });

    it('keeps a renewed lease past its first expiry; never hands out a decided dataset; hands back released and stopped claims', async () => {
      const a = await holder('other-host:1:a');
      const b = await holder('other-host:2:b');
      expect(await a.tryClaim('d1')).toBe(true);
      clock += 9_000;
      await (a as unknown as { renew(): Promise<void> }).renew();
      clock += 9_000;
      expect(await b.tryClaim('d1')).toBe(false);
      clock += 1e9;
      expect(await b.tryClaim('d1')).toBe(true);
      await b.decided('d1');
      clock += 1e9;
      expect(await b.tryClaim('d1')).toBe(false);
      expect(await a.tryClaim('d1')).toBe(false);
      expect(await a.tryClaim('d2')).toBe(true);
      await a.release('d2');
      expect(await b.tryClaim('d2')).toBe(true);
      expect(await b.tryClaim('d3')).toBe(true);
      await b.stop();
      expect(await a.tryClaim('d3')).toBe(true);
    });

    it('many holders claiming the same datasets at once on the server clock: each dataset goes to exactly one', async () => {
      const holders = await Promise.all(Array.from({ length: 6 }, (_, i) => holder(`other-host:${i}:h`, null)));
      const datasets = Array.from({ length: 40 }, (_, i) => `d${i}`);
      const wins = await Promise.all(
        holders.map(async (h) => Promise.all(datasets.map(async (d) => ((await h.tryClaim(d)) ? d : undefined)))),
      );
      const taken = wins.flat().filter((d): d is string => d !== undefined);
      expect(taken.sort()).toEqual([...datasets].sort());
    });

    it('is what createDatasetClaims chooses for a postgres:// event store', async () => {
      const claims = await createDatasetClaims({
        eventStoreUrl: `${url}${url.includes('?') ? '&' : '?'}schema=${schema}`,
        dataDir: '/nonexistent',
        leaseSeconds: 5,
      });
      expect(claims).toBeInstanceOf(PostgresDatasetClaims);
      expect(claims.description).toMatch(/SKIP LOCKED/);
    });
  });
} else {
  describe.skip('PostgresDatasetClaims (skipped: no server; set POSTGRES_URL=postgres://postgres@127.0.0.1:5432/1tt_test to run)', () => {
    it('leases datasets with FOR UPDATE SKIP LOCKED', () => undefined);
  });
}
