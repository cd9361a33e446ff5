/**
 * A separate OS process that appends to an embedded event store and prints
 * one line per acknowledged event: "ack <position> <streamName> <revision> <id>".
 * A line is printed only after appendToStream resolved, i.e. after the
 * transaction committed (synchronous=FULL), so every printed event must
 * survive a SIGKILL. Used by the crash test and the multi-process test.
 *
 *   node --import tsx test/crash/event-store-writer.process.ts <file> <writerName> <count> <streams> <seed>
 *
 * Appends use the exact revision just read (not 'any'), retrying on
 * WrongExpectedRevision, so two of these on one file really race on the
 * same streams.
 */
import { SqliteEventStore, WrongExpectedRevision } from '@1tt/event-store';
import { seededRandom } from '../../bench/seeded-random';

async function main(): Promise<void> {
  const [file, writer, countArg, streamsArg, seedArg] = process.argv.slice(2);
  const count = Number(countArg);
  const streams = Number(streamsArg);
  const random = seededRandom(Number(seedArg));
  const store = new SqliteEventStore({ path: file, busyTimeoutMs: 10_000 });
  let written = 0;
  let conflicts = 0;
  while (written < count) {
    const stream = `crash-${Math.floor(random() * streams)}`;
    const size = Math.min(count - written, 1 + Math.floor(random() * 5));
    const events = Array.from({ length: size }, (_, i) => ({
      type: 'Appended',
      data: { writer, n: written + i, pad: 'x'.repeat(Math.floor(random() * 200)) },
    }));
    const revision = await store.streamRevision(stream);
    try {
      const result = await store.appendToStream(stream, events, { expectedRevision: revision === undefined ? 'no-stream' : revision });
      process.stdout.write(result.events.map((e) => `ack ${e.position} ${e.streamName} ${e.revision} ${e.id}\n`).join(''));
      written += size;
    } catch (e) {
      if (!(e instanceof WrongExpectedRevision)) throw e;
      conflicts += 1;
    }
  }
  process.stdout.write(`done ${written} conflicts ${conflicts}\n`);
  await store.close();
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
