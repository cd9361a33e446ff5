export * from './contributor-statement';
