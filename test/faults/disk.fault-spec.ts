/**
 * Disk faults under the built service: its DATA_DIR is a small tmpfs mounted
 * for the test (root only; the sandbox allows `mount -t tmpfs`). Root ignores
 * permission bits, so chmod cannot make a read-only data dir here; a
 * read-only remount of the tmpfs can. A full disk is the tmpfs filled with a
 * filler file. While faulted: writes are refused with a problem+json 5xx (no
 * 2xx for something not stored), /health is 503; when space (or write access)
 * returns the service recovers without a restart, the retried write is
 * stored once, the hash chains verify and SQLite's integrity check passes.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { SqliteEventStore, verifyChain } from '@1tt/event-store';
import { ServiceProcess } from './support/service-process';

const PERIOD = { periodStart: '2025-01-01T00:00:00Z', periodEnd: '2025-02-01T00:00:00Z' };

function canMountTmpfs(): boolean {
  const probe = fs.mkdtempSync(path.join(os.tmpdir(), '1tt-mount-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe], { stdio: 'ignore' });
    execFileSync('umount', [probe], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  } finally {
    fs.rmSync(probe, { recursive: true, force: true });
  }
}

const mountable = canMountTmpfs();
const suite = mountable ? describe : describe.skip;
const title = mountable
  ? 'disk faults (tmpfs data dir: full, read-only)'
  : 'disk faults (skipped: cannot mount a tmpfs here; needs root with mount permission)';

suite(title, () => {
  let mnt: string;
  let svc: ServiceProcess;
  const adminKey = `disk-admin-${randomBytes(24).toString('base64url')}`;
  let consumerKey: string;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const revenue = (key: string) =>
    svc.request('POST', '/v1/revenue', {
      key: consumerKey,
      json: { amount: '10.00', currency: 'USD', ...PERIOD },
      headers: { 'Idempotency-Key': key },
    });

  beforeAll(async () => {
    mnt = fs.mkdtempSync(path.join(os.tmpdir(), '1tt-disk-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64m', 'tmpfs', mnt]);
    svc = new ServiceProcess({ dataDir: mnt, adminKey });
    await svc.start();
    consumerKey = (await svc.request('POST', '/v1/consumers', { key: adminKey, json: { displayName: 'Disk Corp' } })).body.apiKey;
    const me = await svc.request('GET', '/v1/me', { key: consumerKey });
    expect(
      (
        await svc.request('PUT', `/v1/consumers/${me.body.subjectId}/agreement`, {
          key: adminKey,
          json: { alpha: '0.3', currency: 'USD', policy: 'snapshot' },
        })
      ).status,
    ).toBe(200);
    expect((await revenue('before-faults')).status).toBe(201);
  });
  afterAll(async () => {
    await svc?.kill();
    if (mnt) {
      try {
        execFileSync('umount', ['-l', mnt]);
      } catch {
        // already unmounted
      }
      fs.rmSync(mnt, { recursive: true, force: true });
    }
  });

  async function expectFaulted(key: string): Promise<void> {
    const w = await revenue(key);
    expect({ status: w.status, type: w.headers.get('content-type') }).toEqual({
      status: expect.any(Number),
      type: expect.stringContaining('application/problem+json'),
    });
    expect(w.status).toBeGreaterThanOrEqual(500);
    // The answer names the cause without internals.
    expect(w.text).not.toMatch(/at \w+ \(|node_modules|SQLITE_/);
  }

  const fillDisk = (filler: string) => {
    const fd = fs.openSync(filler, 'w');
    for (const size of [1024 * 1024, 4096, 512]) {
      try {
        for (;;) fs.writeSync(fd, Buffer.alloc(size, 1));
      } catch {
        // ENOSPC at this block size; go on with smaller ones down to the last bytes
      }
    }
    fs.closeSync(fd);
  };

  async function expectRecovered(key: string): Promise<void> {
    let status = 0;
    for (let i = 0; i < 100 && status !== 200; i++) {
      status = (await svc.request('GET', '/health')).status;
      if (status !== 200) await sleep(100);
    }
    expect(status).toBe(200);
    expect((await revenue(key)).status).toBe(201);
    expect((await revenue(key)).status).toBe(200);
  }

  it('a full disk: writes refused with a 5xx problem+json; space returns → recovers without a restart, nothing half-written', async () => {
    const filler = path.join(mnt, 'filler');
    fillDisk(filler);
    try {
      await expectFaulted('during-full-disk');
    } finally {
      fs.rmSync(filler);
    }
    await expectRecovered('after-full-disk');
  });

  it('a full disk: /health reports 503 naming the data dir, and 200 again when space returns', async () => {
    const filler = path.join(mnt, 'filler');
    fillDisk(filler);
    try {
      const h = await svc.request('GET', '/health');
      expect(h.status).toBe(503);
      expect(h.text).toMatch(/dataDir/);
    } finally {
      fs.rmSync(filler);
    }
    expect((await svc.request('GET', '/health')).status).toBe(200);
  });

  it('a read-only data dir (tmpfs remounted ro while stopped; a remount under open files is refused): the service refuses to start with a clear message, or serves with 503 health and refused writes; writable again → recovers', async () => {
    const exit = await svc.stop();
    expect(exit?.code === 0 || exit?.signal === 'SIGTERM').toBe(true);
    execFileSync('mount', ['-o', 'remount,ro', mnt]);
    try {
      let started = true;
      try {
        await svc.start(30_000);
      } catch (e) {
        started = false;
        // What it says: which store, which file, and the cause (SQLite cannot open a WAL database without writing its -shm file).
        const message = String((e as Error).message);
        expect(message).toMatch(/failed to start/);
        expect(message).toMatch(/read-only|readonly|EROFS|SQLITE_READONLY|SQLITE_CANTOPEN|unable to open/i);
        expect(message).toContain(path.join(mnt, 'events.db'));
      }
      if (started) {
        await expectFaulted('during-read-only');
        const h = await svc.request('GET', '/health');
        expect(h.status).toBe(503);
        await svc.kill();
      }
    } finally {
      execFileSync('mount', ['-o', 'remount,rw', mnt]);
    }
    await svc.start();
    await expectRecovered('after-read-only');
  });

  it('after both faults the store is intact: integrity check, hash chains, each acknowledged report once', async () => {
    const exit = await svc.stop();
    expect(exit?.code === 0 || exit?.signal === 'SIGTERM').toBe(true);
    const db = new Database(path.join(mnt, 'events.db'), { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
    const store = new SqliteEventStore({ path: path.join(mnt, 'events.db') });
    try {
      expect(await verifyChain(store.readAll())).toMatchObject({ ok: true });
      const keys: string[] = [];
      for await (const e of store.readAll())
        if (e.type === 'RevenueReported') keys.push((e.data as { idempotencyKey: string }).idempotencyKey);
      expect(keys.sort()).toEqual(['after-full-disk', 'after-read-only', 'before-faults']);
    } finally {
      await store.close();
    }
  });
});
