import { DatasetProcessor } from '@1tt/dataset-processing';
import type { EventStore, SubscribeToAllOptions, Subscription } from '@1tt/event-store';
import { streamNames } from '@1tt/ledger';
import { blankLineTextSource } from './dataset-text-source';
import { licenseText } from '../support/license-texts';
import { openTempStores, upload, type TempStores } from '../support/dataset-uploads';

/**
 * The dataset processor follows the log on the one LogFollower: when its
 * subscription fails (the store went away for a moment) it is retried from
 * where it was, and the dataset is still decided. (Before, a failed
 * subscription was logged and never restarted: nothing was decided again
 * until the process restarted.)
 */
describe('dataset processor: a failed log subscription', () => {
  let w: TempStores;
  afterEach(() => w.close());

  it('is retried, and the dataset is still decided once', async () => {
    w = await openTempStores('follower-failure');
    let failuresLeft = 2;
    const errors: string[] = [];
    // The real store, except that its first two subscriptions fail at once.
    const flaky = Object.create(w.events) as EventStore;
    flaky.subscribeToAll = (options: SubscribeToAllOptions): Subscription => {
      if (failuresLeft-- > 0) return { stop: async () => undefined, done: Promise.reject(new Error('event store unreachable')) };
      return w.events.subscribeToAll(options);
    };
    await upload(w, 'd1', licenseText('GPL-2'));
    const processor = new DatasetProcessor({
      events: flaky,
      blobs: w.blobs,
      openSource: blankLineTextSource,
      workerThreads: 1,
      logger: { log: () => undefined, error: (m) => errors.push(m) },
    });
    try {
      processor.start();
      const end = Date.now() + 60_000;
      let types: string[] = [];
      while (!types.includes('DatasetAccepted') && !types.includes('DatasetRejected') && Date.now() < end) {
        await new Promise((r) => setTimeout(r, 50));
        types = (await w.events.readStream(streamNames.dataset('d1'))).map((e) => e.type);
      }
      expect(types.filter((t) => t === 'DatasetAccepted' || t === 'DatasetRejected')).toEqual(['DatasetAccepted']);
      expect(errors.filter((m) => m.includes('following the log failed'))).toHaveLength(2);
      expect(processor.follower.status).not.toBe('failed');
    } finally {
      await processor.stop();
    }
  });
});
