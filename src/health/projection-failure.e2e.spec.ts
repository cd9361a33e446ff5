import { Logger } from '@nestjs/common';
import { EventStore, LogFollower, type RecordedEvent } from '@1tt/event-store';
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
    // The other log followers show the same way.
    expect(healthy.body.followers.map((f: { name: string }) => f.name).sort()).toEqual([
      'api-key-cache',
      'dataset-processor',
      'payout-processor',
      'webhook-fan-out',
    ]);
    for (const f of healthy.body.followers) {
      expect(f).toEqual({ name: f.name, status: expect.stringMatching(/^(live|catching-up|stopped)$/), position: expect.any(Number) });
    }

    // A read model whose apply cannot handle one real event (a registration through the API) stops on it.
    // (A consumer: its name is recorded in clear; a contributor's is sealed.)
    const poison: Projection = {
      name: 'test-poisoned',
      version: 1,
      collections: ['test_poisoned'],
      handles: ['ConsumerRegistered'],
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
      await t.http.post('/v1/consumers').set(t.auth()).send({ displayName: 'Fine Name' }).expect(201);
      const pill = (await t.http.post('/v1/consumers').set(t.auth()).send({ displayName: 'Poison Pill' }).expect(201)).body.consumerId;
      const event = await eventWhere(t.get(EventStore), (e) => e.type === 'ConsumerRegistered' && e.streamName.endsWith(pill));
      await expect(runner.waitFor(event.position, 10_000)).rejects.toThrow(/cannot read a registration of Poison Pill/);

      const res = await t.http.get('/health').expect(503);
      expect(res.body.status).toBe('unavailable');
      const failed = res.body.projections.find((p: { name: string }) => p.name === 'test-poisoned');
      expect(failed).toEqual({
        name: 'test-poisoned',
        status: 'failed',
        position: expect.any(Number),
        reason: `ConsumerRegistered at position ${event.position} (stream ${event.streamName}): cannot read a registration of Poison Pill`,
        event: { position: event.position, type: 'ConsumerRegistered', streamName: event.streamName },
        // It tries again by itself (from its checkpoint, with a growing delay): a transient fault heals, a poison event stays visible.
        failures: expect.any(Number),
        retryAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      });
      // It stopped before the event (the batch with it was not applied); the other projections went on.
      expect(failed.position).toBeLessThan(event.position);
      for (const p of res.body.projections.filter((q: { name: string }) => q.name !== 'test-poisoned')) expect(p.status).not.toBe('failed');
      expect(res.body.stores.eventStore.ok).toBe(true);

      expect(errors).toHaveBeenCalledWith(
        expect.stringContaining(
          `projection test-poisoned failed after position ${failed.position} (its reads answer at that position until it recovers; retrying at `,
        ),
        expect.any(String),
      );
      expect(errors).toHaveBeenCalledWith(
        expect.stringContaining(`): ConsumerRegistered at position ${event.position}`),
        expect.any(String),
      );
    } finally {
      errors.mockRestore();
      await runner.stop();
    }
  });

  it('a failed log follower (here one whose handler throws) shows in /health as failed with its reason and next attempt (503), and heals', async () => {
    const registry = t.get(ProjectionRegistry);
    let broken = true;
    const follower = registry.follower(
      new LogFollower(t.get(EventStore), {
        name: 'test-follower',
        retryDelayMs: 50,
        resume: () => 0,
        handle: () => {
          if (broken) throw new Error('cannot handle the log');
        },
        onFailure: registry.logFailures,
      }),
    );
    const errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    try {
      await follower.start();
      await expect(follower.catchUp(10_000)).rejects.toThrow('cannot handle the log');
      const res = await t.http.get('/health').expect(503);
      expect(res.body.followers.find((f: { name: string }) => f.name === 'test-follower')).toEqual({
        name: 'test-follower',
        status: 'failed',
        position: 0,
        reason: 'cannot handle the log',
        failures: expect.any(Number),
        retryAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      });
      expect(res.body.projections.every((p: { status: string }) => p.status !== 'failed')).toBe(true);
      expect(errors).toHaveBeenCalledWith(
        expect.stringMatching(/^test-follower failed after position 0 \(retrying at .*\): cannot handle the log$/),
        expect.any(String),
      );

      broken = false;
      let healed = false;
      while (!healed) healed = await follower.catchUp(10_000).catch(() => new Promise<boolean>((r) => setTimeout(() => r(false), 20)));
      const after = await t.http.get('/health').expect(200);
      expect(after.body.followers.find((f: { name: string }) => f.name === 'test-follower').status).toMatch(/^(live|catching-up)$/);
    } finally {
      errors.mockRestore();
      await follower.stop();
    }
  });
});
