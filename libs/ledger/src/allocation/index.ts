export * from './largest-remainder';
