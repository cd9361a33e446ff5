import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SqliteEventStore, verifyChain, type RecordedEvent } from '@1tt/event-store';

const root = resolve(__dirname, '../..');
const writerScript = join(__dirname, 'event-store-writer.process.ts');

interface Ack {
  position: number;
  streamName: string;
  revision: number;
  id: string;
}

/**
 * Starts the writer in its own Node process (node --import tsx, not the tsx
 * CLI: that one runs the script in a grandchild which a SIGKILL would miss),
 * SIGKILLs it right after the `killAfter`-th acknowledged event, returns every ack it printed.
 */
function appendUntilKilled(file: string, killAfter: number, seed: number): Promise<{ acks: Ack[]; signal: NodeJS.Signals | null }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', writerScript, file, 'crash', '1000000', '20', String(seed)], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acks: Ack[] = [];
    let buffered = '';
    let stderr = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const [tag, position, streamName, revision, id] = line.split(' ');
        if (tag !== 'ack') continue;
        acks.push({ position: Number(position), streamName, revision: Number(revision), id });
        if (acks.length === killAfter) child.kill('SIGKILL');
      }
    });
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    // Never leave a writer behind if the test itself goes wrong.
    const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(guard);
      if (signal !== 'SIGKILL') reject(new Error(`writer ended with ${code ?? signal} before it was killed: ${stderr}`));
      else resolvePromise({ acks, signal });
    });
  });
}

async function all(store: SqliteEventStore): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  for await (const e of store.readAll()) out.push(e);
  return out;
}

describe('event store crash safety (SIGKILL in the middle of a stream of appends)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), '1tt-crash-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  // Seeded so a failure can be replayed: the seed picks the kill point and the writer's streams and batch sizes.
  it.each([
    [1, 150],
    [2, 777],
    [3, 1500],
  ])('seed %i: every acknowledged event survives exactly once and the chain verifies (killed after %i acks)', async (seed, killAfter) => {
    const file = join(dir, 'events.db');
    const { acks } = await appendUntilKilled(file, killAfter, seed);
    expect(acks.length).toBeGreaterThanOrEqual(killAfter);

    // A second life: the writer is dead mid-transaction; the store must open and hold every ack.
    const store = new SqliteEventStore({ path: file });
    const events = await all(store);
    const byId = new Map(events.map((e) => [e.id, e]));
    expect(byId.size).toBe(events.length);
    for (const ack of acks) {
      expect(byId.get(ack.id)).toMatchObject({ position: ack.position, streamName: ack.streamName, revision: ack.revision });
    }
    // Positions are dense: nothing half-written sits between acknowledged events.
    expect(events.map((e) => e.position)).toEqual(events.map((_, i) => i + 1));
    expect(await verifyChain(events)).toEqual({ ok: true, checked: events.length });
    // And it still takes writes where the chain left off.
    const next = await store.appendToStream(acks[0].streamName, [{ type: 'AfterCrash', data: {} }], { expectedRevision: 'exists' });
    expect(next.position).toBe(events.length + 1);
    expect(await verifyChain(store.readAll())).toMatchObject({ ok: true, checked: events.length + 1 });
    await store.close();
  });
});
