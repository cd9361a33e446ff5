export * from './domain-errors';
export * from './error-catalogue';
