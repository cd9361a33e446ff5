/**
 * Webhooks under SIGKILL: the built service delivers ConsumerRegistered
 * events to a real receiver (node http on 127.0.0.1) that answers slowly and
 * now and then with a 503, while consumers are registered and the service is
 * SIGKILLed at seeded random moments (often with a delivery in flight) and
 * restarted. Afterwards every event of the log after the registration has
 * been received, the first time each id arrives is in log order, positions
 * never go back (a re-sent event is the one in flight, never an earlier one),
 * duplicates are byte-identical and every signature verifies. The secret
 * never appears in the service's output (LOG_LEVEL=verbose).
 *
 * Reproduce a run with the printed seed: FAULT_SEED=<seed> npm run test:faults
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { SqliteEventStore, type RecordedEvent } from '@1tt/event-store';
import { verifyWebhookSignature } from '../../src/webhooks/webhook-signature';
import { WebhookReceiver } from '../support/webhook-receiver';
import { seededRandom, ServiceProcess } from './support/service-process';

const SEED = Number(process.env.FAULT_SEED ?? Math.floor(Math.random() * 2 ** 31));
const ROUNDS = Number(process.env.FAULT_ROUNDS ?? 5);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const isNetworkError = (e: unknown) => ['TypeError', 'AbortError', 'TimeoutError'].includes((e as { name?: string })?.name ?? '');

describe(`webhooks crash test: SIGKILL mid-delivery (seed ${SEED}, ${ROUNDS} rounds)`, () => {
  const rnd = seededRandom(SEED);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), '1tt-webhook-faults-'));
  const adminKey = `fault-admin-${randomBytes(24).toString('base64url')}`;
  const svc = new ServiceProcess({
    dataDir,
    adminKey,
    env: {
      LOG_LEVEL: 'verbose',
      WEBHOOK_ALLOW_PRIVATE: 'true',
      WEBHOOK_RETRY_INITIAL_MS: '10',
      WEBHOOK_RETRY_MAX_MS: '50',
      WEBHOOK_TIMEOUT_MS: '2000',
    },
  });
  const receiver = new WebhookReceiver();
  /** The next delivery is held open: round 0 kills the service while the receiver holds it (surely mid-delivery). */
  let holdNext = false;

  beforeAll(async () => {
    process.stdout.write(`webhooks crash test seed ${SEED} (reproduce: FAULT_SEED=${SEED} npm run test:faults)\n`);
    await receiver.start();
    // Slow answers (so kills land mid-delivery) and some 503s (so retries are in flight too).
    receiver.responder = () => {
      if (holdNext) {
        holdNext = false;
        return { status: 200, hold: true };
      }
      return rnd() < 0.15 ? { status: 503 } : { status: 200, delayMs: Math.floor(rnd() * 40) };
    };
  });
  afterAll(async () => {
    await svc.kill();
    await receiver.stop();
    if (process.env.FAULT_KEEP_DATA) process.stdout.write(`data kept in ${dataDir}\n`);
    else fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('loses no event and never reorders: every event received, first arrivals in log order, duplicates identical', async () => {
    await svc.start();
    const reg = await svc.request('POST', '/v1/webhooks', {
      key: adminKey,
      json: { url: receiver.url('/crash'), eventTypes: ['ConsumerRegistered'] },
    });
    expect(reg.status).toBe(201);
    const { secret, registeredPosition } = reg.body as { secret: string; registeredPosition: number };

    let n = 0;
    let heldId: string | undefined;
    for (let round = 0; round < ROUNDS; round++) {
      const stop = { now: false };
      const worker = async () => {
        while (!stop.now) {
          try {
            await svc.request('POST', '/v1/consumers', { key: adminKey, json: { displayName: `C${++n}` }, timeoutMs: 5000 });
          } catch (e) {
            if (!isNetworkError(e)) throw e;
            return;
          }
        }
      };
      const load = Promise.all([worker(), worker(), worker()]);
      if (round === 0) {
        holdNext = true;
        await receiver.waitFor(() => receiver.holding === 1, 30_000);
        heldId = receiver.requests[receiver.requests.length - 1].json.id;
        await sleep(Math.floor(rnd() * 100));
      } else {
        // Let deliveries get going, then kill at a seeded moment.
        await sleep(150 + Math.floor(rnd() * 700));
      }
      await svc.kill('SIGKILL');
      stop.now = true;
      await load;
      receiver.release();
      await svc.start();
    }
    for (let i = 0; i < 5; i++) await svc.request('POST', '/v1/consumers', { key: adminKey, json: { displayName: `Last ${i}` } });

    const store = new SqliteEventStore({ path: path.join(dataDir, 'events.db') });
    const log: RecordedEvent[] = [];
    try {
      for await (const e of store.readAll()) if (e.type === 'ConsumerRegistered' && e.position > registeredPosition) log.push(e);
    } finally {
      await store.close();
    }
    const expected = log.map((e) => e.id);
    expect(expected.length).toBeGreaterThan(ROUNDS);
    const received = () => receiver.requests.filter((r) => r.path === '/crash');
    await receiver.waitFor(() => new Set(received().map((r) => r.json.id)).size >= expected.length, 60_000);
    await sleep(300);
    const all = received();

    const firstArrivals: string[] = [];
    const bodies = new Map<string, string>();
    for (const r of all) {
      if (!bodies.has(r.json.id)) {
        firstArrivals.push(r.json.id);
        bodies.set(r.json.id, r.body);
      }
      expect({ id: r.json.id, body: r.body }).toEqual({ id: r.json.id, body: bodies.get(r.json.id) });
      expect(verifyWebhookSignature(secret, r.body, String(r.headers['1tt-signature']), { toleranceSeconds: 3600 })).toBe(true);
    }
    expect(firstArrivals).toEqual(expected);
    // The service never saw an answer for the event it was killed delivering: it must have sent it again.
    expect(all.filter((r) => r.json.id === heldId).length).toBeGreaterThanOrEqual(2);
    const positions = all.map((r) => r.json.position as number);
    for (let i = 1; i < positions.length; i++) expect({ i, back: positions[i] < positions[i - 1] }).toEqual({ i, back: false });
    // The signing secret was never logged, not even at LOG_LEVEL=verbose, over every start.
    expect(svc.output()).not.toContain(secret.slice('whsec_'.length));
    process.stdout.write(
      `webhooks crash test: ${expected.length} events, ${all.length} requests (${all.length - expected.length} re-sends or retries)\n`,
    );
  });
});
