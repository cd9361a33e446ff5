import { EventStoreDbEventStore } from '@1tt/event-store';
import { eventStoreContract } from './event-store.contract';

const url = process.env.EVENTSTOREDB_URL;

if (url) {
  eventStoreContract(`EventStoreDB at ${url}`, async () => {
    const store = new EventStoreDbEventStore({ connectionString: url });
    return {
      store,
      cleanup: () => store.close(),
      // Another client: to the server, another process with its own clock.
      openWriter: async (clock) => new EventStoreDbEventStore({ connectionString: url, clock }),
    };
  });
} else {
  describe.skip('EventStore contract: EventStoreDB (skipped: no server; set EVENTSTOREDB_URL=esdb://host:2113?tls=false to run)', () => {
    it('runs the shared event-store contract suite against EventStoreDB', () => undefined);
  });
}
