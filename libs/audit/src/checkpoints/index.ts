export * from './log-hash';
export * from './checkpoint-signature';
export * from './checkpoint.publisher';
