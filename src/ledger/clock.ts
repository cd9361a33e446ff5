import { randomUUID } from 'node:crypto';

/**
 * Time and ids come into the ledger's commands as arguments; these two
 * providers are where the process gets them, so tests can pin both.
 */
export abstract class Clock {
  abstract now(): Date;
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}

export abstract class IdGenerator {
  abstract next(): string;
}

export class UuidGenerator extends IdGenerator {
  next(): string {
    return randomUUID();
  }
}
