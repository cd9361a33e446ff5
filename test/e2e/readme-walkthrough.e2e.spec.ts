import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ServiceProcess } from '../faults/support/service-process';

/**
 * The README's "A first session with curl", run as written: the first bash
 * block after that heading, against the built service started as a newcomer
 * would (no ADMIN_API_KEY: the key is taken from the box it prints last).
 * A README edit that breaks the walk-through fails here.
 */
const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('## A first session with curl'));
const block = /```bash\n([\s\S]*?)```/.exec(section)?.[1];
const missing = ['curl', 'jq', 'bash'].filter((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0);

(missing.length === 0 ? describe : describe.skip)(
  missing.length === 0
    ? "the README's curl walk-through"
    : `the README's curl walk-through (skipped: ${missing.join(', ')} not installed; apt-get install -y ${missing.join(' ')})`,
  () => {
    let service: ServiceProcess;
    let dataDir: string;
    let workDir: string;
    beforeAll(async () => {
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), '1tt-readme-data-'));
      workDir = fs.mkdtempSync(path.join(os.tmpdir(), '1tt-readme-shell-'));
      service = new ServiceProcess({ dataDir, env: { RATE_LIMIT_PER_MINUTE: '600' } });
      await service.start();
    });
    afterAll(async () => {
      await service?.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
      fs.rmSync(workDir, { recursive: true, force: true });
    });

    it('is there, and the generated admin key box is the last thing the first start printed', async () => {
      expect(block).toBeDefined();
      const until = Date.now() + 10_000;
      while (!/Key id: .*\n=+\n/.test(service.output()) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      const out = service.output().trimEnd();
      expect(out.endsWith('='.repeat(64))).toBe(true);
      expect(out.indexOf('API listening on')).toBeLessThan(out.indexOf('an admin API key was'));
    });

    it('runs as written and shows the accepted dataset, the metrics and the payout run', () => {
      const adminKey = /^ {3}(1tt_\S+)$/m.exec(service.output())?.[1];
      expect(adminKey).toBeDefined();
      const run = spawnSync(
        'bash',
        ['--norc', '--noprofile', '-euo', 'pipefail', '-c', `${block}\nprintf "\\nCONTRIBUTOR_ID=%s\\n" "$CONTRIBUTOR_ID"`],
        {
          cwd: workDir,
          env: { PATH: process.env.PATH, HOME: workDir, ADMIN_API_KEY: adminKey, B: service.baseUrl },
          encoding: 'utf8',
          timeout: 120_000,
        },
      );
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const contributorId = /^CONTRIBUTOR_ID=(\S+)$/m.exec(run.stdout)?.[1];
      expect(contributorId).toMatch(/^[0-9a-f-]{36}$/);
      expect(run.stdout).toMatch(/"status": "accepted"/);
      // The one contributor holds the whole pool, so the run pays it the whole pool amount: 1000.00 × 0.3.
      expect(run.stdout).toContain(`"contributorId":"${contributorId}"`);
      expect(run.stdout).toMatch(/"amount":"300\.00"/);
      // The scoped consumer's run (issue #14): the scope and ΣT_c it counted, and the retrieval-granting dataset paid 150.00.
      expect(run.stdout).toMatch(/"scope": \{\s*"uses": \[\s*"retrieval"\s*\],\s*"languages": \[\s*"en"\s*\]/);
      expect(run.stdout).toMatch(/"eligibleTokens": "\d+"/);
      expect(run.stdout).toMatch(/"amount": "150\.00"/);
    });
  },
);
