export * from './log-format';
export * from './checkpoints';
export * from './verify';
export * from './replay';
export * from './statement';
