export * from './contributor-statement';
export * from './period-statement';
