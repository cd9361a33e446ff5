export * from './reputation.formula';
export * from './reputation-log';
