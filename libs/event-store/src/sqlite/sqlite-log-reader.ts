import type { ReadAllOptions, RecordedEvent } from '../event-store.port';
import { assertOneLowerBound } from '../sql/expected-revision';
import { mapStoreError } from './sqlite-store-errors';
import { toEvent, type Row, type SqliteStatements } from './sqlite-statements';

/** The log in position order, page by page (constant memory). */
export function readLogPages(stmt: SqliteStatements, defaultPageSize: number, options: ReadAllOptions): AsyncIterable<RecordedEvent> {
  // A hand-written iterator rather than an async generator: it hands out a
  // page it already holds without an extra generator frame per event.
  // Rowids are integers, so inside this adapter "after p" is "from p + 1".
  assertOneLowerBound(options);
  const from = Math.max(1, options.afterPosition !== undefined ? options.afterPosition + 1 : (options.fromPosition ?? 1));
  const pageSize = Math.max(1, options.pageSize ?? defaultPageSize);
  const head = (): number => stmt.head.get() ?? 0;
  const pageOf = stmt.page;
  return {
    [Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
      let remaining = options.maxCount ?? Number.POSITIVE_INFINITY;
      let to: number | undefined = options.toPosition;
      let next = from;
      let page: Row[] = [];
      let i = 0;
      let finished = false;
      const done: IteratorResult<RecordedEvent> = { value: undefined, done: true };
      return {
        next(): Promise<IteratorResult<RecordedEvent>> {
          if (i < page.length && remaining > 0) {
            remaining -= 1;
            return Promise.resolve({ value: toEvent(page[i++]), done: false });
          }
          if (finished || remaining <= 0) return Promise.resolve(done);
          try {
            if (to === undefined) to = head();
            page = next <= to ? pageOf.all(next, to, Math.min(pageSize, remaining)) : [];
          } catch (e) {
            finished = true;
            return Promise.reject(mapStoreError(e, 'readAll'));
          }
          i = 0;
          if (page.length === 0) {
            finished = true;
            return Promise.resolve(done);
          }
          next = page[page.length - 1][0] + 1;
          remaining -= 1;
          return Promise.resolve({ value: toEvent(page[i++]), done: false });
        },
        return(): Promise<IteratorResult<RecordedEvent>> {
          finished = true;
          page = [];
          return Promise.resolve(done);
        },
      };
    },
  };
}
