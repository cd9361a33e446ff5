import { execFile, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * The OpenAPI document is complete enough to generate a client from: every
 * operation has a person's operation id and declares its security, and a
 * TypeScript client generated from /docs-json (openapi-typescript types +
 * openapi-fetch) type-checks and calls three routes of the real app.
 */
const root = path.join(__dirname, '..', '..');
const bin = (name: string) => path.join(root, 'node_modules', '.bin', name);

describe('a client generated from /docs-json', () => {
  let t: TestApp;
  let doc: { paths: Record<string, Record<string, { operationId?: string; security?: unknown[] }>> };
  const dir = path.join(root, 'test-output', 'openapi-client');

  beforeAll(async () => {
    t = await startTestApp();
    doc = (await t.http.get('/docs-json').expect(200)).body;
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
  });
  afterAll(() => t.close());

  it('every operation has a unique camelCase operation id and declares security (none only on public ones)', () => {
    const ids: string[] = [];
    for (const [p, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        ids.push(op.operationId ?? `${method} ${p} has none`);
        expect({ route: `${method} ${p}`, id: op.operationId }).toEqual({
          route: `${method} ${p}`,
          id: expect.stringMatching(/^[a-z][A-Za-z]+$/),
        });
        const expected = p === '/health' ? [] : [{ bearer: [] }];
        expect({ route: `${method} ${p}`, security: op.security }).toEqual({ route: `${method} ${p}`, security: expected });
      }
    }
    expect(new Set(ids).size).toBe(ids.length);
    expect(doc.paths['/v1/datasets'].post.operationId).toBe('uploadDataset');
    expect(doc.paths['/v1/contributors/{id}/metrics'].get.operationId).toBe('getContributorMetrics');
  });

  it('generates, type-checks and calls GET /v1/me, POST /v1/contributors and GET /v1/pool', async () => {
    fs.writeFileSync(path.join(dir, 'openapi.json'), JSON.stringify(doc));
    const gen = spawnSync(bin('openapi-typescript'), [path.join(dir, 'openapi.json'), '-o', path.join(dir, 'api.d.ts')], {
      encoding: 'utf8',
    });
    expect(gen.status).toBe(0);
    fs.writeFileSync(
      path.join(dir, 'client.ts'),
      `import createClient from 'openapi-fetch';
import type { paths } from './api';

async function main(): Promise<void> {
  const client = createClient<paths>({ baseUrl: process.env.BASE, headers: { Authorization: \`Bearer \${process.env.KEY}\` } });
  const me = await client.GET('/v1/me');
  const created = await client.POST('/v1/contributors', { body: { displayName: 'Generated Client' } });
  const pool = await client.GET('/v1/pool', { params: { query: { limit: '10' } } });
  const contributorId: string | undefined = created.data?.contributorId;
  console.log(JSON.stringify({ me: me.response.status, created: created.response.status, contributorId, pool: pool.response.status, totalTokens: pool.data?.totalTokens }));
}
void main();
`,
    );
    fs.writeFileSync(
      path.join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          target: 'es2022',
          module: 'nodenext',
          moduleResolution: 'nodenext',
          skipLibCheck: true,
        },
        files: ['client.ts'],
      }),
    );
    const check = spawnSync(bin('tsc'), ['-p', path.join(dir, 'tsconfig.json')], { encoding: 'utf8' });
    expect({ status: check.status, output: check.stdout + check.stderr }).toEqual({ status: 0, output: '' });
    // Not spawnSync: the app answers from this process, whose event loop must keep running.
    const run = await new Promise<{ stdout: string; stderr: string; error?: string }>((resolve) =>
      execFile(
        bin('tsx'),
        [path.join(dir, 'client.ts')],
        { env: { ...process.env, BASE: t.baseUrl, KEY: t.adminKey }, timeout: 60_000 },
        (e, stdout, stderr) => resolve({ stdout, stderr, error: e?.message }),
      ),
    );
    expect({ stderr: run.stderr, error: run.error }).toEqual({ stderr: '', error: undefined });
    const out = JSON.parse(run.stdout.trim());
    expect(out).toEqual({ me: 200, created: 201, contributorId: expect.stringMatching(/^[0-9a-f-]{36}$/), pool: 200, totalTokens: '0' });
  }, 240_000); // three child programs (generator, tsc, tsx): slow only on a loaded machine
});
