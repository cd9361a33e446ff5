export * from './verify-problem';
export * from './log-verifier';
export { GENESIS_HASH, recomputeEventHash } from './event-hash';
