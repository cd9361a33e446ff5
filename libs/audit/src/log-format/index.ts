export * from './log-header';
export * from './log-file.reader';
export * from './log-export.writer';
