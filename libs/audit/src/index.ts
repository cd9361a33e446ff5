export * from './log-format';
export * from './checkpoints';
export * from './verify';
