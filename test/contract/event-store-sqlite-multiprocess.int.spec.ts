import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SqliteEventStore, verifyChain, type RecordedEvent } from '@1tt/event-store';

const root = resolve(__dirname, '../..');
const writerScript = join(root, 'test/crash/event-store-writer.process.ts');

function runWriter(file: string, name: string, count: number, seed: number): Promise<{ acked: string[]; conflicts: number }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', writerScript, file, name, String(count), '5', String(seed)], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`writer ${name} exited with ${code}: ${err}`));
      const lines = out.trim().split('\n');
      const done = /^done \d+ conflicts (\d+)$/.exec(lines[lines.length - 1]);
      resolvePromise({ acked: lines.filter((l) => l.startsWith('ack ')).map((l) => l.split(' ')[4]), conflicts: Number(done?.[1]) });
    });
  });
}

describe('SQLite event store shared by several processes', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), '1tt-mp-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('two processes racing on the same five streams lose and duplicate nothing, and a subscriber in a third sees it all in order', async () => {
    const file = join(dir, 'events.db');
    const subscriber = new SqliteEventStore({ path: file, pollIntervalMs: 10 });
    const seen: RecordedEvent[] = [];
    const sub = subscriber.subscribeToAll({ handler: (b) => void seen.push(...b) });

    const [a, b] = await Promise.all([runWriter(file, 'a', 400, 11), runWriter(file, 'b', 400, 22)]);
    expect(a.acked).toHaveLength(400);
    expect(b.acked).toHaveLength(400);

    const events: RecordedEvent[] = [];
    for await (const e of subscriber.readAll()) events.push(e);
    expect(events).toHaveLength(800);
    expect(new Set(events.map((e) => e.id))).toEqual(new Set([...a.acked, ...b.acked]));
    expect(events.map((e) => e.position)).toEqual(events.map((_, i) => i + 1));
    expect(await verifyChain(events)).toEqual({ ok: true, checked: 800 });
    // Both writers wrote to every stream, interleaved: the revision check held across processes.
    for (let s = 0; s < 5; s++) {
      const stream = await subscriber.readStream(`crash-${s}`);
      expect(new Set(stream.map((e) => (e.data as { writer: string }).writer))).toEqual(new Set(['a', 'b']));
    }

    const deadline = Date.now() + 10_000;
    while (seen.length < 800 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await sub.stop();
    expect(seen.map((e) => e.id)).toEqual(events.map((e) => e.id));
    await subscriber.close();
  });
});
