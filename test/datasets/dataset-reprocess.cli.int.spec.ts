import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { DatasetProcessor, createFormatSource } from '@1tt/dataset-processing';
import { runCli } from '../../apps/cli/src/cli-program';
import type { CliContext } from '../../apps/cli/src/cli-context';
import { licenseText } from '../support/license-texts';
import { openTempStores, upload } from '../support/dataset-uploads';

describe('1tt dataset reprocess --verify', () => {
  it('re-runs a decided dataset against the pool as of its upload and exits 0 when kept documents and tokens match', async () => {
    const stores = await openTempStores('reprocess');
    const { dir, events, blobs } = stores;
    try {
      for (const [id, text] of [
        ['a', [licenseText('GPL-2'), licenseText('LGPL-2')].join('\n\n')],
        ['b', [licenseText('Artistic'), licenseText('GPL-2'), licenseText('LGPL-2.1')].join('\n\n')],
      ]) {
        await upload({ events, blobs }, id, text, { owner: { contributorId: id === 'a' ? 'alice' : 'bob' } });
      }
      const processor = new DatasetProcessor({ events, blobs, openSource: createFormatSource(), workerThreads: 1 });
      processor.start();
      await processor.idleAfter(await events.headPosition());
      await processor.stop();

      const stdout = new PassThrough();
      let out = '';
      stdout.on('data', (c) => (out += c));
      const ctx: CliContext = {
        stdout,
        stderr: new PassThrough(),
        env: {
          EVENT_STORE_URL: `sqlite:${path.join(dir, 'events.db')}`,
          BLOB_STORE_URL: `file:${path.join(dir, 'blobs')}`,
          WORKER_THREADS: '1',
        },
        exitCode: 0,
      };
      const code = await runCli(['dataset', 'reprocess', 'b', '--verify', '--json'], ctx);
      const report = JSON.parse(out);
      expect(report).toMatchObject({ datasetId: 'b', matches: true, differences: [], recomputed: { documentsIn: 3, documentsKept: 1 } });
      expect(code).toBe(0);
      expect(await runCli(['dataset', 'reprocess', 'b'], { ...ctx, exitCode: 0 })).toBe(2);
      // An unknown dataset: exit 4, said on stderr.
      const stderr = new PassThrough();
      let err = '';
      stderr.on('data', (c) => (err += c));
      expect(await runCli(['dataset', 'reprocess', 'nope', '--verify'], { ...ctx, stderr, exitCode: 0 })).toBe(4);
      expect(err).toContain('dataset nope is not in the log');
      // On a terminal (and without --json) a progress bar runs on stderr while the file is read again.
      const tty = Object.assign(new PassThrough(), { isTTY: true, columns: 100 });
      let bar = '';
      tty.on('data', (c) => (bar += c));
      expect(await runCli(['dataset', 'reprocess', 'b', '--verify'], { ...ctx, stdout: new PassThrough(), stderr: tty, exitCode: 0 })).toBe(
        0,
      );
      expect(bar).toContain('reprocess (bytes read)');
    } finally {
      await stores.close();
    }
  });
});
