import { Logger } from '@nestjs/common';
import { EventStore, type RecordedEvent } from '@1tt/event-store';
import { ReadModelStore, type Projection } from '@1tt/read-models';
import { startTestApp, type TestApp } from '../../test/e2e/support/test-app';
import { ProjectionRegistry } from '../stores/projection-registry';

/** The first event of the log that `match` accepts. */
async function eventWhere(events: EventStore, match: (e: RecordedEvent) => boolean): Promise<RecordedEvent> {
  for await (const e of events.readAll({ fromPosition: 1 })) if (match(e)) return e;
  throw new Error('no such event in the log');
}

describe('a projection that fails', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('is logged (which projection, which event, why) and shows in /health as failed with its reason and position (503)', async () => {
    const healthy = await t.http.get('/health').expect(200);
    expect(healthy.body.status).toBe('ok');
    expect(healthy.body.projections.map((p: { name: string }) => p.name).sort()).toEqual([
      'datasets',
      'ledger-accounts',
      'ledger-audit-trail',
      'ledger-data-requests',
      'ledger-pool',
      'ledger-reputation',
      'ledger-revenue',
      'party-directory',
    ]);
    for (const p of healthy.body.projections) {
      expect(p).toEqual({ name: p.name, status: expect.stringMatching(/^(live|catching-up)$/), position: expect.any(Number) });
    }

    // A read model whose apply cannot handle one real event (a registration through the API) stops on it.
    const poison: Projection = {
      name: 'test-poisoned',
      version: 1,
      collections: ['test_poisoned'],
      handles: ['ContributorRegistered'],
      apply(tx, event) {
        const name = (event.data as { displayName?: string }).displayName;
        if (name === 'Poison Pill') throw new TypeError(`cannot read a registration of ${name}`);
        tx.put('test_poisoned', event.id, { name });
      },
    };
    const errors = jest.spyOn(Logger.prototype, 'error');
    const runner = t.get(ProjectionRegistry).runner(t.get(ReadModelStore), t.get(EventStore), poison);
    try {
      await runner.start();
      await t.http.post('/v1/contributors').set(t.auth()).send({ displayName: 'Fine Name' }).expect(201);
      const pill = (await t.http.post('/v1/contributors').set(t.auth()).send({ displayName: 'Poison Pill' }).expect(201)).body
        .contributorId;
      const event = await eventWhere(t.get(EventStore), (e) => e.type === 'ContributorRegistered' && e.streamName.endsWith(pill));
      await expect(runner.waitFor(event.position, 10_000)).rejects.toThrow(/cannot read a registration of Poison Pill/);

      const res = await t.http.get('/health').expect(503);
      expect(res.body.status).toBe('unavailable');
      const failed = res.body.projections.find((p: { name: string }) => p.name === 'test-poisoned');
      expect(failed).toEqual({
        name: 'test-poisoned',
        status: 'failed',
        position: expect.any(Number),
        reason: `ContributorRegistered at position ${event.position} (stream ${event.streamName}): cannot read a registration of Poison Pill`,
        event: { position: event.position, type: 'ContributorRegistered', streamName: event.streamName },
      });
      // It stopped before the event (the batch with it was not applied); the other projections went on.
      expect(failed.position).toBeLessThan(event.position);
      for (const p of res.body.projections.filter((q: { name: string }) => q.name !== 'test-poisoned')) expect(p.status).not.toBe('failed');
      expect(res.body.stores.eventStore.ok).toBe(true);

      expect(errors).toHaveBeenCalledWith(
        expect.stringContaining(
          `projection test-poisoned failed after position ${failed.position} and stopped (its reads answer at that position until it is fixed and the process restarts): ContributorRegistered at position ${event.position}`,
        ),
        expect.any(String),
      );
    } finally {
      errors.mockRestore();
      await runner.stop();
    }
  });
});
