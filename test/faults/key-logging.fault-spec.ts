/**
 * API keys are never logged: the built service runs as a child process with
 * LOG_LEVEL=verbose, every byte of its stdout/stderr is kept, and the raw
 * keys used (admin, issued, revoked, wrong) must not appear in it — except
 * the one-time print of a generated admin key when ADMIN_API_KEY is unset.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { ServiceProcess } from './support/service-process';

const PERIOD = { periodStart: '2025-01-01T00:00:00Z', periodEnd: '2025-02-01T00:00:00Z' };

describe('API keys never reach the logs (built service, LOG_LEVEL=verbose)', () => {
  const dirs: string[] = [];
  const tmp = () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), '1tt-keylog-'));
    dirs.push(d);
    return d;
  };
  const services: ServiceProcess[] = [];
  afterAll(async () => {
    for (const s of services) await s.kill();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it('ADMIN_API_KEY set: no raw key (admin, issued, revoked, forged) in stdout/stderr, in successes or failures', async () => {
    const adminKey = `log-admin-${randomBytes(24).toString('base64url')}`;
    const svc = new ServiceProcess({ dataDir: tmp(), adminKey, env: { LOG_LEVEL: 'verbose' } });
    services.push(svc);
    await svc.start();
    const c = await svc.request('POST', '/v1/consumers', { key: adminKey, json: { displayName: 'Log Corp' } });
    const contributor = await svc.request('POST', '/v1/contributors', { key: adminKey, json: { displayName: 'Log Writer' } });
    const me = await svc.request('GET', '/v1/me', { key: c.body.apiKey });
    await svc.request('PUT', `/v1/consumers/${me.body.subjectId}/agreement`, {
      key: adminKey,
      json: { alpha: '0.3', currency: 'USD', policy: 'snapshot' },
    });
    await svc.request('POST', '/v1/revenue', {
      key: c.body.apiKey,
      json: { amount: '1.00', currency: 'USD', ...PERIOD },
      headers: { 'Idempotency-Key': 'log-1' },
    });
    const issued = await svc.request('POST', '/v1/api-keys', {
      key: adminKey,
      json: { role: 'contributor', subjectId: contributor.body.contributorId },
    });
    expect(issued.status).toBe(201);
    await svc.request('DELETE', `/v1/api-keys/${issued.body.keyId}`, { key: adminKey });
    const forged = `${contributor.body.apiKey.slice(0, -3)}xyz`;
    // Failures too: revoked, forged, wrong role, malformed, and a key in a bad body.
    expect((await svc.request('GET', '/v1/me', { key: issued.body.apiKey })).status).toBe(401);
    expect((await svc.request('GET', '/v1/me', { key: forged })).status).toBe(401);
    expect((await svc.request('POST', '/v1/contributors', { key: contributor.body.apiKey, json: { displayName: 'x' } })).status).toBe(403);
    expect(
      (await svc.request('POST', '/v1/revenue', { key: c.body.apiKey, json: { amount: 'NaN' }, headers: { 'Idempotency-Key': 'log-2' } }))
        .status,
    ).toBe(400);
    await svc.request('GET', '/v1/me', { headers: { Authorization: `Basic ${adminKey}` } });
    expect(await svc.stop()).toBeDefined();
    const out = svc.output();
    expect(out.length).toBeGreaterThan(0);
    for (const key of [adminKey, c.body.apiKey, contributor.body.apiKey, issued.body.apiKey, forged]) {
      expect({ leaked: out.includes(key) || out.includes(key.slice(-20)) }).toEqual({ leaked: false });
    }
  });

  it('ADMIN_API_KEY unset: the generated key is printed once at the first start, never again', async () => {
    const dataDir = tmp();
    const first = new ServiceProcess({ dataDir, env: { LOG_LEVEL: 'verbose' } });
    services.push(first);
    await first.start();
    const m = /\b(1tt_[0-9a-f]{16}_[A-Za-z0-9_-]{43})\b/.exec(first.output());
    expect(m).not.toBeNull();
    const key = (m as RegExpExecArray)[1];
    expect((await first.request('GET', '/v1/me', { key })).body).toMatchObject({ role: 'admin' });
    await first.request('POST', '/v1/contributors', { key, json: { displayName: 'After bootstrap' } });
    await first.stop();
    expect(first.output().split(key).length - 1).toBe(1);
    const second = new ServiceProcess({ dataDir, env: { LOG_LEVEL: 'verbose' } });
    services.push(second);
    await second.start();
    expect((await second.request('GET', '/v1/me', { key })).status).toBe(200);
    await second.stop();
    expect(second.output()).not.toContain(key);
  });
});
