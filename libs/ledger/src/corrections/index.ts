export * from './revenue-correction.events';
export * from './correction-identity';
export * from './correct-revenue.decision';
export * from './run-adjustment.events';
export * from './compute-run-adjustment';
