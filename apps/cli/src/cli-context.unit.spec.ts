import { trackProgress, type Progress } from './cli-context';

describe('trackProgress', () => {
  it('starts the bar once, at the first report (when the total is known), and moves it on every report', () => {
    const calls: string[] = [];
    const progress: Progress = {
      start: (total, label) => calls.push(`start ${total} ${label}`),
      update: (value) => calls.push(`update ${value}`),
      stop: () => calls.push('stop'),
    };
    const onProgress = trackProgress(progress, 'export');
    onProgress(10, 300);
    onProgress(200, 300);
    onProgress(300, 300);
    expect(calls).toEqual(['start 300 export', 'update 10', 'update 200', 'update 300']);
  });
});
