import { isDeepStrictEqual } from 'node:util';
import { isDomainError } from '@1tt/domain-errors';
import { Decider, fold } from '../decider/decider';

type ErrorClass = abstract new (...args: never[]) => Error;

function show(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v), 2);
}

/**
 * given(decider, pastEvents).when(command, context).then(expectedEvents)
 *                                                  .thenThrows(ErrorClass, code)
 * Framework-free (plain Error on mismatch) so it also serves the Nest-side
 * tests and scripts; works in any test runner.
 */
export function given<C, E, S, Ctx>(decider: Decider<C, E, S, Ctx>, events: readonly E[] = []) {
  return {
    when(command: C, context: Ctx) {
      const run = (): E[] => decider.decide(command, fold(decider, events), context);
      return {
        then(expected: readonly E[]): E[] {
          const actual = run();
          if (!isDeepStrictEqual(actual, expected)) {
            throw new Error(`Expected events:\n${show(expected)}\nbut got:\n${show(actual)}`);
          }
          return actual;
        },
        thenNothing(): void {
          this.then([]);
        },
        thenThrows(errorClass: ErrorClass, code?: string): Error {
          let produced: E[];
          try {
            produced = run();
          } catch (e) {
            if (!(e instanceof errorClass))
              throw new Error(`Expected ${errorClass.name} but got ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
            if (code !== undefined && (!isDomainError(e) || e.code !== code)) {
              throw new Error(`Expected error code ${code} but got ${isDomainError(e) ? e.code : 'none'} (${(e as Error).message})`);
            }
            return e as Error;
          }
          throw new Error(`Expected ${errorClass.name}${code ? ` (${code})` : ''} but the decision produced:\n${show(produced)}`);
        },
      };
    },
  };
}
