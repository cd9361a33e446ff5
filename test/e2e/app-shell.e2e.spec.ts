/**
 * The API shell against the real app on temp embedded stores: configuration,
 * authentication and roles, API keys, problem+json errors, health, docs,
 * rate limiting and the SSE change feed.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Body, Controller, Get, Module, Param, Post, Put, Res } from '@nestjs/common';
import { IsInt, IsOptional, IsString, Min, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import type { Response } from 'express';
import { assertContributorAccess, type Principal } from '@1tt/access';
import { ConfigError } from '@1tt/config';
import {
  ConflictError,
  ForbiddenError,
  IllegalStateError,
  NotFoundError,
  PayloadTooLargeError,
  PreconditionFailedError,
  ValidationError,
} from '@1tt/domain-errors';
import { EventStore, StoreUnavailable, type ExpectedRevision } from '@1tt/event-store';
import { ReadModelStore } from '@1tt/read-models';
import { CurrentPrincipal, Public, Roles } from '../../src/auth/auth.decorators';
import { ChangeFeed } from '../../src/change-feed/change-feed.service';
import { IfMatchRevision, setEtag } from '../../src/http/etag';
import { openSse, waitForText } from './support/sse-client';
import { startTestApp, type TestApp } from './support/test-app';

class Address {
  @IsString() city!: string;
}
class FixtureBody {
  @IsString() name!: string;
  @IsInt() @Min(1) count!: number;
  @IsOptional() @ValidateNested() @Type(() => Address) address?: Address;
}

const domainErrors: Record<string, () => Error> = {
  validation: () => new ValidationError('amount-malformed', 'amount must be a decimal string', { field: 'amount', hint: 'Send "12.50".' }),
  'not-found': () => new NotFoundError('dataset-not-found', 'No dataset d-1'),
  conflict: () => new ConflictError('idempotency-key-reused', 'The key was used with another body'),
  'illegal-state': () => new IllegalStateError('dataset-withdrawn', 'The dataset was withdrawn'),
  'precondition-failed': () => new PreconditionFailedError('precondition-failed', 'Stale'),
  forbidden: () => new ForbiddenError('outside-scope', 'Not yours'),
  'payload-too-large': () => new PayloadTooLargeError('blob-too-large', 'Upload too large'),
  'store-unavailable': () => new StoreUnavailable('sqlite busy at /secret/path'),
  crash: () => new Error('secret internal detail'),
};

/** Holds a request open until the test releases it (graceful shutdown test). */
const gate = { entered: (): void => undefined, release: (): void => undefined };

@Controller('fixture')
class FixtureHttpController {
  constructor(private readonly events: EventStore) {}

  @Get('throw/:kind')
  throw(@Param('kind') kind: string): never {
    throw domainErrors[kind]();
  }

  @Post('echo')
  echo(@Body() body: FixtureBody): FixtureBody {
    return body;
  }

  @Get('admin-only')
  @Roles('admin')
  adminOnly(): { ok: true } {
    return { ok: true };
  }

  @Get('contributors/:id')
  contributor(@Param('id') id: string, @CurrentPrincipal() p: Principal): { id: string } {
    assertContributorAccess(p, id, { hideExistence: id.startsWith('private-') ? 'contributor-not-found' : undefined });
    return { id };
  }

  @Get('slow')
  async slow(): Promise<{ head: number }> {
    await new Promise<void>((resolve) => {
      gate.release = resolve;
      gate.entered();
    });
    return { head: await this.events.headPosition() };
  }

  @Get('public')
  @Public()
  open(): { ok: true } {
    return { ok: true };
  }

  @Get('things/:id')
  async getThing(@Param('id') id: string, @Res({ passthrough: true }) res: Response): Promise<{ id: string }> {
    setEtag(res, (await this.events.streamRevision(`thing-${id}`)) ?? -1);
    return { id };
  }

  @Put('things/:id')
  async putThing(
    @Param('id') id: string,
    @IfMatchRevision() expected: ExpectedRevision | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<{ id: string }> {
    const r = await this.events.appendToStream(`thing-${id}`, [{ type: 'ThingChanged', data: { id } }], {
      expectedRevision: expected ?? 'any',
    });
    setEtag(res, r.nextExpectedRevision);
    return { id };
  }
}

@Module({ controllers: [FixtureHttpController] })
class FixtureModule {}

const PROBLEM = /^application\/problem\+json/;

function expectProblem(
  res: { status: number; headers: Record<string, string>; body: Record<string, unknown> },
  status: number,
  code?: string,
): void {
  expect(res.headers['content-type']).toMatch(PROBLEM);
  expect(res.body).toMatchObject({
    status,
    type: expect.stringMatching(/^urn:1tt:problem:/),
    title: expect.any(String),
    detail: expect.any(String),
    instance: expect.stringMatching(/^\//),
  });
  if (code) expect(res.body.code).toBe(code);
  expect(res.status).toBe(status);
}

describe('API shell (e2e, embedded stores)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ imports: [FixtureModule] });
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('configuration', () => {
    it('refuses to start with a bad variable, naming it and what is allowed', async () => {
      await expect(startTestApp({ env: { PORT: 'eighty', RATE_LIMIT_PER_MINUTE: 'lots' } })).rejects.toThrow(ConfigError);
      await expect(startTestApp({ env: { PORT: 'eighty' } })).rejects.toThrow(
        /PORT: "eighty" is not allowed; use an integer port from 0 to 65535/,
      );
    });

    it('puts every embedded store under DATA_DIR', () => {
      expect(fs.existsSync(path.join(t.dataDir, 'events.db'))).toBe(true);
      expect(fs.existsSync(path.join(t.dataDir, 'read-models.db'))).toBe(true);
      expect(fs.existsSync(path.join(t.dataDir, 'blobs'))).toBe(true);
    });
  });

  describe('authentication', () => {
    it('401 without a key, with a challenge and problem+json', async () => {
      const res = await t.http.get('/v1/me');
      expectProblem(res, 401, 'missing-api-key');
      expect(res.headers['www-authenticate']).toBe('Bearer realm="1tt"');
    });

    it.each([
      ['an unknown well-formed key', `Bearer 1tt_0123456789abcdef_${'A'.repeat(43)}`],
      ['a random string', 'Bearer not-a-key'],
      ['another scheme', 'Basic dXNlcjpwYXNz'],
    ])('401 with %s', async (_, header) => {
      const res = await t.http.get('/v1/me').set('Authorization', header);
      expectProblem(res, 401, 'invalid-api-key');
      expect(res.headers['www-authenticate']).toMatch(/error="invalid_token"/);
    });

    it('ADMIN_API_KEY is an admin key', async () => {
      const res = await t.http.get('/v1/me').set(t.auth()).expect(200);
      expect(res.body).toEqual({ role: 'admin', subjectId: 'env-admin', displayName: null, keyId: 'env-admin' });
      expect(t.announced).toEqual([]);
    });

    it('public routes need no key', async () => {
      await t.http.get('/fixture/public').expect(200, { ok: true });
    });
  });

  describe('API keys', () => {
    it('an admin issues a key shown once; it authenticates as its role and subject', async () => {
      const res = await t.http
        .post('/v1/api-keys')
        .set(t.auth())
        .send({ role: 'contributor', subjectId: 'alice', label: 'laptop' })
        .expect(201);
      expect(res.body).toMatchObject({
        role: 'contributor',
        subjectId: 'alice',
        label: 'laptop',
        keyId: expect.stringMatching(/^[0-9a-f]{16}$/),
      });
      expect(res.body.apiKey).toMatch(new RegExp(`^1tt_${res.body.keyId}_[A-Za-z0-9_-]{43}$`));
      const me = await t.http.get('/v1/me').set(t.auth(res.body.apiKey)).expect(200);
      // alice has a key but was never registered: no name to show.
      expect(me.body).toEqual({ role: 'contributor', subjectId: 'alice', displayName: null, keyId: res.body.keyId });

      const record = await t.http.get(`/v1/api-keys/${res.body.keyId}`).set(t.auth()).expect(200);
      expect(record.body).toMatchObject({ keyId: res.body.keyId, role: 'contributor', subjectId: 'alice', issuedBy: 'admin:env-admin' });
      expect(JSON.stringify(record.body)).not.toMatch(/apiKey|keyHash/);
    });

    it('stores only the hash: the secret is nowhere in the log', async () => {
      const { apiKey } = await t.issueKey('consumer', 'acme');
      const events = [];
      for await (const e of t.get(EventStore).readAll()) events.push(e);
      const log = JSON.stringify(events);
      expect(log).toContain('ApiKeyIssued');
      expect(log).not.toContain(apiKey);
      // The secret is everything after "1tt_<keyId>_" (it may itself contain "_").
      expect(log).not.toContain(apiKey.slice(apiKey.indexOf('_', 4) + 1));
    });

    it('revocation takes effect at once, is idempotent, and 404s for unknown keys', async () => {
      const { keyId, apiKey } = await t.issueKey('consumer', 'acme');
      await t.http.get('/v1/me').set(t.auth(apiKey)).expect(200);
      await t.http.delete(`/v1/api-keys/${keyId}`).set(t.auth()).expect(204);
      expectProblem(await t.http.get('/v1/me').set(t.auth(apiKey)), 401, 'invalid-api-key');
      await t.http.delete(`/v1/api-keys/${keyId}`).set(t.auth()).expect(204);
      const record = await t.http.get(`/v1/api-keys/${keyId}`).set(t.auth()).expect(200);
      expect(record.body.revokedAt).toEqual(expect.any(String));
      expectProblem(await t.http.delete('/v1/api-keys/ffffffffffffffff').set(t.auth()), 404, 'api-key-not-found');
      expectProblem(await t.http.delete('/v1/api-keys/env-admin').set(t.auth()), 409, 'configured-key');
    });

    it('only admins issue and revoke keys', async () => {
      const { apiKey, keyId } = await t.issueKey('auditor', 'audit-co');
      expectProblem(
        await t.http.post('/v1/api-keys').set(t.auth(apiKey)).send({ role: 'admin', subjectId: 'me' }),
        403,
        'role-not-allowed',
      );
      expectProblem(await t.http.delete(`/v1/api-keys/${keyId}`).set(t.auth(apiKey)), 403, 'role-not-allowed');
      await t.http.get(`/v1/api-keys/${keyId}`).set(t.auth(apiKey)).expect(200);
    });

    it('validates the issue request field by field', async () => {
      const res = await t.http.post('/v1/api-keys').set(t.auth()).send({ role: 'root', subjectId: 'x y', extra: 1 });
      expectProblem(res, 400, 'invalid-request');
      const fields = (res.body.errors as Array<{ field: string }>).map((e) => e.field).sort();
      expect(fields).toEqual(['extra', 'role', 'subjectId']);
    });
  });

  describe('roles and scope', () => {
    it('403 when a role is outside the route, 403 or 404 outside its own data', async () => {
      const { apiKey } = await t.issueKey('contributor', 'alice');
      expectProblem(await t.http.get('/fixture/admin-only').set(t.auth(apiKey)), 403, 'role-not-allowed');
      await t.http.get('/fixture/admin-only').set(t.auth()).expect(200);
      await t.http.get('/fixture/contributors/alice').set(t.auth(apiKey)).expect(200);
      expectProblem(await t.http.get('/fixture/contributors/bob').set(t.auth(apiKey)), 403, 'outside-scope');
      expectProblem(await t.http.get('/fixture/contributors/private-bob').set(t.auth(apiKey)), 404);
      const auditor = await t.issueKey('auditor', 'audit-co');
      await t.http.get('/fixture/contributors/bob').set(t.auth(auditor.apiKey)).expect(200);
    });
  });

  describe('problem+json errors', () => {
    it.each([
      ['validation', 400, 'amount-malformed'],
      ['not-found', 404, 'dataset-not-found'],
      ['conflict', 409, 'idempotency-key-reused'],
      ['illegal-state', 409, 'dataset-withdrawn'],
      ['precondition-failed', 412, 'precondition-failed'],
      ['forbidden', 403, 'outside-scope'],
      ['payload-too-large', 413, 'blob-too-large'],
    ])('%s → %i', async (kind, status, code) => {
      const res = await t.http.get(`/fixture/throw/${kind}`).set(t.auth());
      expectProblem(res, status, code);
    });

    it('names the field and hint of a domain validation error', async () => {
      const res = await t.http.get('/fixture/throw/validation').set(t.auth());
      expect(res.body).toMatchObject({
        errors: [{ field: 'amount', reason: 'amount must be a decimal string' }],
        hint: 'Send "12.50".',
        instance: '/fixture/throw/validation',
      });
    });

    it('store unavailable → 503 with Retry-After and no internal detail', async () => {
      const res = await t.http.get('/fixture/throw/store-unavailable').set(t.auth());
      expectProblem(res, 503, 'store-unavailable');
      expect(res.headers['retry-after']).toBe('5');
      expect(res.text).not.toContain('/secret/path');
    });

    it('an unexpected error → 500 without stack or message', async () => {
      const res = await t.http.get('/fixture/throw/crash').set(t.auth());
      expectProblem(res, 500, 'internal-error');
      expect(res.text).not.toMatch(/secret internal detail|at .*\.ts|stack/);
      expect(res.body.reference).toEqual(expect.any(String));
    });

    it('unknown route → 404 problem (after authentication)', async () => {
      expectProblem(await t.http.get('/v1/nothing-here').set(t.auth()), 404, 'route-not-found');
    });

    it('malformed JSON → 400', async () => {
      const res = await t.http.post('/fixture/echo').set(t.auth()).set('Content-Type', 'application/json').send('{"name": ');
      expectProblem(res, 400, 'malformed-json');
      expect(res.body.errors[0].field).toBe('body');
    });

    it('unknown, missing and mistyped fields → 400 naming each (nested too)', async () => {
      const res = await t.http
        .post('/fixture/echo')
        .set(t.auth())
        .send({ count: 0, extra: true, address: { city: 5 } });
      expectProblem(res, 400, 'invalid-request');
      const byField = new Map<string, string[]>();
      for (const e of res.body.errors as Array<{ field: string; reason: string }>)
        byField.set(e.field, [...(byField.get(e.field) ?? []), e.reason]);
      expect([...byField.keys()].sort()).toEqual(['address.city', 'count', 'extra', 'name']);
      expect(byField.get('extra')).toEqual(['is not an allowed field']);
      expect(byField.get('count')?.join()).toMatch(/count must not be less than 1/);
    });

    it('a valid body passes, transformed to the DTO', async () => {
      await t.http.post('/fixture/echo').set(t.auth()).send({ name: 'n', count: 2 }).expect(201, { name: 'n', count: 2 });
    });

    it('a JSON body over the limit → 413', async () => {
      const res = await t.http
        .post('/fixture/echo')
        .set(t.auth())
        .send({ name: 'x'.repeat(t.config.jsonBodyMaxBytes), count: 1 });
      expectProblem(res, 413, 'body-too-large');
    });
  });

  describe('ETag and If-Match', () => {
    it('returns the stream revision as ETag and honours If-Match (412 when stale, 400 when malformed)', async () => {
      const first = await t.http.put('/fixture/things/t1').set(t.auth()).expect(200);
      expect(first.headers.etag).toBe('"0"');
      const read = await t.http.get('/fixture/things/t1').set(t.auth()).expect(200);
      expect(read.headers.etag).toBe('"0"');
      const second = await t.http.put('/fixture/things/t1').set(t.auth()).set('If-Match', '"0"').expect(200);
      expect(second.headers.etag).toBe('"1"');
      expectProblem(await t.http.put('/fixture/things/t1').set(t.auth()).set('If-Match', '"0"'), 412, 'precondition-failed');
      expectProblem(await t.http.put('/fixture/things/t1').set(t.auth()).set('If-Match', 'yesterday'), 400, 'invalid-if-match');
      expectProblem(await t.http.put('/fixture/things/t2').set(t.auth()).set('If-Match', '*'), 409 + 3, 'precondition-failed');
    });
  });

  describe('health and docs', () => {
    it('GET /health reports each store, without a key', async () => {
      const res = await t.http.get('/health').expect(200);
      expect(res.body.status).toBe('ok');
      expect(Object.keys(res.body.stores).sort()).toEqual(['blobs', 'dataDir', 'eventStore', 'readModels']);
      for (const s of Object.values(res.body.stores) as Array<{ ok: boolean }>) expect(s.ok).toBe(true);
    });

    it('GET /health shows no absolute path without a key, nor to a contributor or a bad key; an admin or auditor sees them (issue #20)', async () => {
      const contributor = await t.issueKey('contributor', 'c-health');
      const auditor = await t.issueKey('auditor', 'a-health');
      for (const headers of [
        {},
        t.auth(contributor.apiKey),
        t.auth('1tt_0123456789abcdef_' + 'x'.repeat(43)),
        { Authorization: 'Basic x' },
      ]) {
        const res = await t.http.get('/health').set(headers).expect(200);
        expect(res.text).not.toContain(t.dataDir);
        expect(res.text).not.toMatch(/"\/(tmp|home|srv|var|work)\b/);
        expect(res.body.stores.eventStore).toMatchObject({ ok: true, kind: 'sqlite' });
      }
      for (const key of [t.adminKey, auditor.apiKey]) {
        const res = await t.http.get('/health').set(t.auth(key)).expect(200);
        expect(res.text).toContain(t.dataDir);
      }
    });

    it('serves the OpenAPI UI at /docs and a document with bearer auth', async () => {
      const ui = await t.http.get('/docs').redirects(1).expect(200);
      expect(ui.text).toMatch(/swagger-ui/i);
      const doc = await t.http.get('/docs-json').expect(200);
      expect(doc.body.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
      expect(Object.keys(doc.body.paths)).toEqual(
        expect.arrayContaining(['/health', '/v1/api-keys', '/v1/api-keys/{keyId}', '/v1/events', '/v1/me']),
      );
    });
  });

  describe('server-sent events', () => {
    it('401 without a key', async () => {
      const conn = await openSse(`${t.baseUrl}/v1/events`);
      expect(conn.status).toBe(401);
      conn.close();
    });

    it('delivers messages the caller may see and nothing else', async () => {
      const alice = await t.issueKey('contributor', 'alice');
      const acme = await t.issueKey('consumer', 'acme');
      const feed = t.get(ChangeFeed);
      const aliceConn = await openSse(`${t.baseUrl}/v1/events`, t.auth(alice.apiKey));
      const acmeConn = await openSse(`${t.baseUrl}/v1/events`, t.auth(acme.apiKey));
      const adminConn = await openSse(`${t.baseUrl}/v1/events?types=metrics.changed`, t.auth());
      try {
        expect(aliceConn.status).toBe(200);
        expect(aliceConn.headers['content-type']).toMatch(/^text\/event-stream/);
        await Promise.all([aliceConn, acmeConn, adminConn].map((c) => waitForText(c, ': connected')));

        feed.publish({ type: 'metrics.changed', data: { contributorId: 'bob' }, audience: { contributorIds: ['bob'] }, position: 10 });
        feed.publish({ type: 'revenue.reported', data: { consumerId: 'acme' }, audience: { consumerIds: ['acme'] }, position: 11 });
        feed.publish({ type: 'pool.changed', data: { totalTokens: '5' }, audience: { public: true }, position: 12 });
        feed.publish({ type: 'metrics.changed', data: { contributorId: 'alice' }, audience: { contributorIds: ['alice'] }, position: 13 });

        const forAlice = await aliceConn.next((m) => m.id === '13');
        expect(forAlice.event).toBe('metrics.changed');
        expect(JSON.parse(forAlice.data)).toEqual({ type: 'metrics.changed', position: 13, data: { contributorId: 'alice' } });
        expect(aliceConn.messages.map((m) => m.id)).toEqual(['12', '13']);

        await acmeConn.next((m) => m.id === '12');
        expect(acmeConn.messages.map((m) => m.id)).toEqual(['11', '12']);

        await adminConn.next((m) => m.id === '13');
        expect(adminConn.messages.map((m) => m.id)).toEqual(['10', '13']);
      } finally {
        for (const c of [aliceConn, acmeConn, adminConn]) c.close();
      }
    });

    it('sends heartbeats on an idle stream', async () => {
      const h = await startTestApp({ env: { SSE_HEARTBEAT_SECONDS: '1' } });
      try {
        const conn = await openSse(`${h.baseUrl}/v1/events`, h.auth());
        await waitForText(conn, ': heartbeat', 5000);
        conn.close();
      } finally {
        await h.close();
      }
    });

    it('ends open streams when the app shuts down', async () => {
      const h = await startTestApp();
      const conn = await openSse(`${h.baseUrl}/v1/events`, h.auth());
      await waitForText(conn, ': connected');
      await h.close();
      await expect(conn.next(() => false, 5000)).rejects.toThrow(/ended/);
    });
  });
});

describe('graceful shutdown', () => {
  it('finishes an in-flight request on open stores, then closes them', async () => {
    const h = await startTestApp({ imports: [FixtureModule] });
    const entered = new Promise<void>((resolve) => (gate.entered = resolve));
    const pending = h.http
      .get('/fixture/slow')
      .set(h.auth())
      .then((r) => r);
    await entered;
    const closing = h.close();
    await new Promise((r) => setTimeout(r, 50));
    gate.release();
    const res = await pending;
    expect(res.status).toBe(200);
    expect(res.body.head).toEqual(expect.any(Number));
    await closing;
    const health = await h
      .get(EventStore)
      .health()
      .catch((e: Error) => ({ ok: false, detail: e.message }));
    expect(health.ok).toBe(false);
  });
});

describe('admin key generated at first start', () => {
  it('is printed once, works, and survives a restart without a new key', async () => {
    const first = await startTestApp({ adminKeyFromEnv: false });
    let second: TestApp | undefined;
    try {
      expect(first.announced).toHaveLength(1);
      expect(first.announced[0]).toContain(first.adminKey);
      expect(first.adminKey).toMatch(/^1tt_/);
      const me = await first.http.get('/v1/me').set(first.auth()).expect(200);
      expect(me.body).toMatchObject({ role: 'admin', subjectId: 'bootstrap-admin' });
      const issued = await first.issueKey('contributor', 'alice');

      second = await first.restart();
      expect(second.announced).toEqual([]);
      await second.http.get('/v1/me').set(second.auth(first.adminKey)).expect(200);
      await second.http.get('/v1/me').set(second.auth(issued.apiKey)).expect(200);
      // revocation persists across restarts too
      await second.http.delete(`/v1/api-keys/${issued.keyId}`).set(second.auth(first.adminKey)).expect(204);
      const third = await second.restart();
      second = third;
      await third.http.get('/v1/me').set(third.auth(issued.apiKey)).expect(401);
    } finally {
      await (second ?? first).close();
    }
  });
});

describe('rate limiting', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '3' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers 429 problem+json with Retry-After once a key is over its limit, per key', async () => {
    const other = await t.issueKey('auditor', 'aud'); // the admin key's 1st request
    await t.http.get('/v1/me').set(t.auth()).expect(200);
    await t.http.get('/v1/me').set(t.auth()).expect(200); // the 3rd: still within the limit
    const res = await t.http.get('/v1/me').set(t.auth());
    expectProblem(res, 429, 'rate-limited');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    await t.http.get('/v1/me').set(t.auth(other.apiKey)).expect(200);
    await t.http.get('/health').expect(200);
  });
});

describe('health when a store is down', () => {
  it('answers 503 naming the failing store', async () => {
    const t = await startTestApp();
    try {
      await t.get(ReadModelStore).close();
      const res = await t.http.get('/health').expect(503);
      expect(res.body.status).toBe('unavailable');
      expect(res.body.stores.readModels.ok).toBe(false);
      expect(res.body.stores.eventStore.ok).toBe(true);
    } finally {
      await t.close();
    }
  });
});

const mainJs = path.resolve(__dirname, '../../dist/src/main.js');
(fs.existsSync(mainJs) ? describe : describe.skip)(
  fs.existsSync(mainJs) ? 'node dist/src/main.js' : 'node dist/src/main.js (skipped: not built; run npm run build — npm test does)',
  () => {
    function run(env: Record<string, string>, untilText: RegExp | null): Promise<{ code: number | null; stdout: string; stderr: string }> {
      return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [mainJs], {
          env: { PATH: process.env.PATH ?? '', ...env },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => {
          stdout += d.toString();
          if (untilText && untilText.test(stdout)) child.kill('SIGTERM');
        });
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('error', reject);
        child.on('exit', (code) => resolve({ code, stdout, stderr }));
      });
    }

    it('refuses a bad variable and exits non-zero, naming it', async () => {
      const r = await run({ DATA_DIR: fs.mkdtempSync('/tmp/1tt-main-'), UPLOAD_MAX_BYTES: 'huge' }, null);
      expect(r.code).toBe(78);
      expect(r.stderr).toMatch(/UPLOAD_MAX_BYTES: "huge" is not allowed/);
    });

    it('starts on embedded stores, prints the generated admin key, and stops cleanly on SIGTERM', async () => {
      const dir = fs.mkdtempSync('/tmp/1tt-main-');
      try {
        const r = await run({ DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1' }, /Key id: .*\n=+\n/);
        expect(r.stdout).toMatch(/1tt_[0-9a-f]{16}_[A-Za-z0-9_-]{43}/);
        // The admin key box is the last thing a first start prints: after the listening line, and no route list.
        expect(r.stdout.indexOf('API listening on')).toBeLessThan(r.stdout.indexOf('an admin API key was'));
        expect(r.stdout).not.toMatch(/Mapped \{/);
        expect(r.code === 0 || r.code === null).toBe(true);
        expect(fs.existsSync(path.join(dir, 'events.db'))).toBe(true);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  },
);
