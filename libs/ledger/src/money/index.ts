export * from './currency';
export * from './amount';
export * from './alpha';
export * from './signed-amount';
