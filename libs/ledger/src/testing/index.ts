export * from './given-when-then';
export * from './in-memory-ledger-log';
