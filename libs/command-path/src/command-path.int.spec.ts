import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { SqliteEventStore, WrongExpectedRevision } from '@1tt/event-store';
import { contributorDecider, LEDGER_SCHEMA_VERSION, streamNames } from '@1tt/ledger';
import { appendDecided, decideOnStream } from './index';

describe('the one command path', () => {
  let dir: string;
  let events: SqliteEventStore;
  const now = new Date('2026-01-02T03:04:05Z');
  const register = (id: string) => ({ type: 'RegisterContributor' as const, data: { contributorId: id, displayName: 'Ada' } });

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), '1tt-command-path-'));
    events = new SqliteEventStore({ path: path.join(dir, 'events.db') });
  });
  afterEach(async () => {
    await events.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads, folds, decides and appends with the metadata built in one place', async () => {
    const stream = streamNames.contributor('c1');
    const first = await decideOnStream(events, stream, contributorDecider, register('c1'), {
      context: () => ({ now }),
      actor: 'admin:a1',
      correlationId: 'req-1',
    });
    expect(first.revision).toBe(0);
    const [recorded] = await events.readStream(stream);
    expect(recorded.metadata).toMatchObject({
      actor: 'admin:a1',
      correlationId: 'req-1',
      causationId: 'req-1',
      schemaVersion: LEDGER_SCHEMA_VERSION,
    });
    // The second registration is decided on the folded stream: refused, nothing appended.
    await expect(
      decideOnStream(events, stream, contributorDecider, register('c1'), {
        context: () => ({ now }),
        actor: 'admin:a1',
        correlationId: 'r2',
      }),
    ).rejects.toMatchObject({ code: expect.any(String) });
    expect(await events.streamRevision(stream)).toBe(0);
  });

  it('decides on a known state without reading, and a stale one is a conflict', async () => {
    const stream = streamNames.contributor('c2');
    await decideOnStream(events, stream, contributorDecider, register('c2'), { context: () => ({ now }), actor: 'a', correlationId: 'x' });
    await expect(
      decideOnStream(events, stream, contributorDecider, register('c2'), {
        known: { state: contributorDecider.initialState, revision: undefined },
        context: () => ({ now }),
        actor: 'a',
        correlationId: 'y',
      }),
    ).rejects.toBeInstanceOf(WrongExpectedRevision);
  });

  it('cuts a large decision into appends that each fit, at consecutive revisions', async () => {
    const many = Array.from({ length: 40 }, (_, i) => ({ type: 'Noted', data: { i, text: 'x'.repeat(400) } }));
    const appends = jest.spyOn(events, 'appendToStream');
    const result = await appendDecided(events, 'note-1', many, {
      expectedRevision: 'no-stream',
      cause: { actor: 'system:test' },
      maxAppendBytes: 8 * 1024,
    });
    expect(result.events.map((e) => e.revision)).toEqual(many.map((_, i) => i));
    expect(result.nextExpectedRevision).toBe(39);
    expect(appends.mock.calls.length).toBeGreaterThan(1);
    expect(new Set(result.events.map((e) => `${e.metadata.actor}/${e.metadata.schemaVersion}`))).toEqual(new Set(['system:test/1']));
  });
});
