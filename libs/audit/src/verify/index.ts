export * from './verify-problem';
export * from './log-verifier';
export * from './ledger-audit';
export { GENESIS_HASH, recomputeEventHash } from './event-hash';
