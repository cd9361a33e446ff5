import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { startTestApp, type TestApp } from './support/test-app';
import { uploadAndDecide } from './support/datasets';
import { shuffledLicense } from '../support/license-texts';

// Worker threads and whole datasets: on a loaded 2-core machine a test can take longer than the default 30 s.
jest.setTimeout(120_000);

const README = [
  '# Project notes',
  '',
  'This project keeps a small ledger of contributions and explains how the numbers are computed.',
  '',
  '## Install',
  '',
  '- run the installer from the release page',
  '- read the [guide](https://example.org/guide) before the first upload',
  '',
].join('\n');

/** Builds an archive in a temporary directory with the system tar or zip (symlink stored as a link) and answers its bytes. */
async function archive(kind: 'tgz' | 'zip', seed: number): Promise<Buffer> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'archives-e2e-'));
  try {
    await fs.mkdir(path.join(dir, 'pkg', 'docs'), { recursive: true });
    await fs.writeFile(path.join(dir, 'pkg', 'COPYING.txt'), shuffledLicense('GPL-2', seed));
    await fs.writeFile(path.join(dir, 'pkg', 'docs', 'README.md'), README);
    await fs.writeFile(path.join(dir, 'pkg', 'logo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13]));
    await fs.symlink('/etc/passwd', path.join(dir, 'pkg', 'passwd.txt'));
    spawnSync('tar', ['-czf', path.join(dir, 'pkg', 'inner.tar.gz'), '-C', dir, 'pkg/COPYING.txt']);
    const out = path.join(dir, kind === 'zip' ? 'out.zip' : 'out.tgz');
    const r =
      kind === 'zip'
        ? spawnSync('zip', ['-q', '-r', '-y', out, 'pkg'], { cwd: dir })
        : spawnSync('tar', ['-czf', out, '--sort=name', 'pkg'], { cwd: dir });
    if (r.status !== 0) throw new Error(`${kind} failed: ${r.stderr}`);
    return await fs.readFile(out);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

describe('archive uploads over HTTP (issue #13)', () => {
  let t: TestApp;
  let key: string;
  beforeAll(async () => {
    t = await startTestApp({ env: { WORKER_THREADS: '1' } });
    const r = await t.http.post('/v1/contributors').set(t.auth()).send({ displayName: 'Archivist' });
    key = r.body.apiKey;
  });
  afterAll(async () => {
    await t?.close();
  });

  for (const [kind, fileName, seed] of [
    ['tgz', 'bundle.tgz', 301],
    ['zip', 'bundle.zip', 302],
  ] as const) {
    it(`${fileName}: each text member is a document whose path is in the report; a symlink, a nested archive and an image are counted skips`, async () => {
      const d = await uploadAndDecide(t, key, fileName, await archive(kind, seed));
      expect(d).toMatchObject({ status: 'accepted', fileName, documentsIn: 5 });
      expect(d.removed).toMatchObject({ archive_member_unsafe: 1, archive_member_nested: 1, archive_member_not_text: 1 });
      const items = (await t.http.get(`/v1/datasets/${d.datasetId}/report`).set(t.auth(key)).expect(200)).body.items as Array<
        Record<string, unknown>
      >;
      const byMember = Object.fromEntries(items.map((i) => [i.member, i]));
      expect(Object.keys(byMember).sort()).toEqual([
        'pkg/COPYING.txt',
        'pkg/docs/README.md',
        'pkg/inner.tar.gz',
        'pkg/logo.png',
        'pkg/passwd.txt',
      ]);
      expect(byMember['pkg/COPYING.txt']).toMatchObject({ kept: true, contentClass: 'prose', language: 'en' });
      // The member name decides the content class first.
      expect(byMember['pkg/docs/README.md']).toMatchObject({ contentClass: 'markdown' });
      expect(byMember['pkg/passwd.txt']).toMatchObject({
        kept: false,
        reason: 'archive_member_unsafe',
        tokens: 0,
        explanation: expect.stringContaining('link'),
      });
      expect(byMember['pkg/inner.tar.gz']).toMatchObject({ kept: false, reason: 'archive_member_nested' });
      expect(byMember['pkg/logo.png']).toMatchObject({ kept: false, reason: 'archive_member_not_text' });
    });
  }

  it('a broken archive is rejected invalid_archive; a compressed .zip is refused at upload', async () => {
    const broken = await uploadAndDecide(t, key, 'broken.tar', Buffer.from('not a tar archive at all\n'.repeat(30)));
    expect(broken).toMatchObject({ status: 'rejected', rejectionReason: 'invalid_archive' });
    const r = await t.http.post('/v1/datasets').set(t.auth(key)).attach('file', Buffer.from('x'), 'a.zip.gz');
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('dataset-unsupported-format');
    expect(JSON.stringify(r.body)).toContain('.zip');
  });
});
