import type Database from 'better-sqlite3';
import type { AppendResult, ExpectedRevision, NewEvent, RecordedEvent } from '../event-store.port';
import { GENESIS_HASH } from '../hash-chain';
import { assertEventsFit, storedEventBytes } from '../append-size';
import { sealEventForStorage } from '../new-event';
import { checkExpected } from '../sql/expected-revision';
import type { SqliteStatements } from './sqlite-statements';

export type SqliteAppend = (streamName: string, events: NewEvent[], expected: ExpectedRevision) => AppendResult;

/**
 * The append: the revision check, the chain tip read and the inserts run
 * under one write lock (BEGIN IMMEDIATE), so no other writer, in this
 * process or another, can slip in between the check and the write.
 */
export function sqliteAppend(db: Database.Database, stmt: SqliteStatements, clock: () => Date): SqliteAppend {
  const tx = db.transaction((streamName: string, events: NewEvent[], expected: ExpectedRevision): AppendResult => {
    const tip = stmt.streamTip.get(streamName);
    const current = tip?.[0];
    checkExpected(streamName, expected, current);
    // recordedAt never goes backwards, even if this machine's clock does or
    // another process's clock is behind: "as of T" stays a prefix of the log.
    const now = clock().toISOString();
    const last = stmt.lastRecordedAt.get();
    const recordedAt = last !== undefined && last > now ? last : now;
    let revision = current === undefined ? 0 : current + 1;
    let prevHash = tip?.[1] ?? GENESIS_HASH;
    const recorded: RecordedEvent[] = [];
    let bytes = 0;
    for (const event of events) {
      const { event: s, dataJson, metadataJson } = sealEventForStorage(streamName, event, revision, prevHash, recordedAt);
      bytes += storedEventBytes(s.type, dataJson, metadataJson);
      // Checked as it grows: the transaction rolls back, nothing is written.
      assertEventsFit(streamName, [bytes]);
      const info = stmt.insert.run(streamName, s.revision, s.id, s.type, dataJson, metadataJson, s.prevHash, s.hash, recordedAt);
      recorded.push({ ...s, position: Number(info.lastInsertRowid) });
      revision += 1;
      prevHash = s.hash;
    }
    const lastEvent = recorded[recorded.length - 1];
    return { nextExpectedRevision: lastEvent.revision, position: lastEvent.position, events: recorded };
  });
  return tx.immediate;
}
