import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ClaimsContext } from './dataset-claims.port';
import { SqliteDatasetClaims } from './sqlite-dataset-claims.adapter';

const context: ClaimsContext = { wake: () => undefined, isDecided: () => false, logError: (m, e) => console.error(m, e) };

describe('SqliteDatasetClaims (two holders on one claims file, a hand-driven clock)', () => {
  let dir: string;
  let clock: number;
  let a: SqliteDatasetClaims;
  let b: SqliteDatasetClaims;
  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), '1tt-claims-'));
    clock = 1_000_000;
    // Owners on another host: the dead-process takeover (same host, pid gone) must not interfere with lease arithmetic.
    a = new SqliteDatasetClaims({ path: path.join(dir, 'claims.db'), leaseSeconds: 10, owner: 'other-host:1:a', now: () => clock });
    b = new SqliteDatasetClaims({ path: path.join(dir, 'claims.db'), leaseSeconds: 10, owner: 'other-host:2:b', now: () => clock });
    await a.start(context);
    await b.start(context);
  });
  afterEach(async () => {
    await a.stop();
    await b.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives a dataset to one holder until its lease lapses, then to another', async () => {
    expect(await a.tryClaim('d1')).toBe(true);
    expect(await b.tryClaim('d1')).toBe(false);
    expect(await a.tryClaim('d1')).toBe(true);
    expect(await b.tryClaim('d2')).toBe(true);
    clock += 10_000;
    expect(await b.tryClaim('d1')).toBe(false);
    clock += 1;
    expect(await b.tryClaim('d1')).toBe(true);
    expect(await a.tryClaim('d1')).toBe(false);
    expect(a.claims().find((c) => c.datasetId === 'd1')?.owner).toBe('other-host:2:b');
  });

  it('keeps a renewed lease past its first expiry', async () => {
    expect(await a.tryClaim('d1')).toBe(true);
    clock += 9_000;
    (a as unknown as { renew(): void }).renew();
    clock += 9_000;
    expect(await b.tryClaim('d1')).toBe(false);
  });

  it('never hands out a decided dataset again, and hands back released and stopped claims at once', async () => {
    expect(await a.tryClaim('d1')).toBe(true);
    // b never asked for d1: a decision it merely reads in the log costs no write.
    await b.decided('d1');
    clock += 1e9;
    expect(await b.tryClaim('d1')).toBe(true);
    await b.decided('d1');
    expect(await b.tryClaim('d1')).toBe(false);
    expect(await a.tryClaim('d1')).toBe(false);

    expect(await a.tryClaim('d2')).toBe(true);
    await a.release('d2');
    expect(await b.tryClaim('d2')).toBe(true);

    expect(await b.tryClaim('d3')).toBe(true);
    await b.stop();
    expect(await a.tryClaim('d3')).toBe(true);
    expect(await a.tryClaim('d2')).toBe(true);
  });

  it('takes over at once from a holder on this host whose process is gone', async () => {
    const ghost = new SqliteDatasetClaims({
      path: path.join(dir, 'claims.db'),
      leaseSeconds: 10,
      owner: `${os.hostname()}:999999999:ghost`,
      now: () => clock,
    });
    await ghost.start(context);
    try {
      expect(await ghost.tryClaim('d1')).toBe(true);
      clock += 1;
      const here = new SqliteDatasetClaims({ path: path.join(dir, 'claims.db'), leaseSeconds: 10, now: () => clock });
      await here.start(context);
      expect(await here.tryClaim('d1')).toBe(true);
      await here.stop();
    } finally {
      // Not stop(): that would delete the row the test inspects; the ghost "crashed".
      (ghost as unknown as { db: { close(): void } }).db.close();
      clearInterval((ghost as unknown as { renewTimer: NodeJS.Timeout }).renewTimer);
    }
  });
});
