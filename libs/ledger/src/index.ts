export * from './money';
export * from './allocation';
