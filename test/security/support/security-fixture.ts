/**
 * Shared set-up of the security suites: a real app (startTestApp) with one of
 * every kind of caller registered through the public routes, so each suite
 * can ask "what does role X get on route Y" against real data.
 */
import { EventStore } from '@1tt/event-store';
import { startTestApp, type StartTestAppOptions, type TestApp } from '../../e2e/support/test-app';
import { shuffledLicense } from '../../support/license-texts';

export interface Party {
  id: string;
  apiKey: string;
}

export interface SecurityWorld {
  t: TestApp;
  events: EventStore;
  contributor: Party;
  otherContributor: Party;
  consumer: Party;
  otherConsumer: Party;
  auditor: Party;
  head(): Promise<number>;
}

export const PERIOD = { periodStart: '2025-01-01T00:00:00Z', periodEnd: '2025-02-01T00:00:00Z' };

/** Text the default pipeline keeps: real prose (a Debian license) with a seeded word order. */
export function prose(seed: number, name = 'GPL-3'): string {
  return shuffledLicense(name, seed);
}

async function register(t: TestApp, route: 'contributors' | 'consumers' | 'auditors', displayName: string): Promise<Party> {
  const idField = { contributors: 'contributorId', consumers: 'consumerId', auditors: 'auditorId' }[route];
  const r = await t.http.post(`/v1/${route}`).set(t.auth()).send({ displayName });
  if (r.status !== 201) throw new Error(`register ${route}: ${r.status} ${JSON.stringify(r.body)}`);
  return { id: r.body[idField] as string, apiKey: r.body.apiKey as string };
}

export async function createSecurityWorld(options: StartTestAppOptions = {}): Promise<SecurityWorld> {
  const t = await startTestApp({ ...options, env: { WORKER_THREADS: '1', ...options.env } });
  const events = t.get(EventStore);
  const contributor = await register(t, 'contributors', 'Alice Private');
  const otherContributor = await register(t, 'contributors', 'Bob Private');
  const consumer = await register(t, 'consumers', 'LLM Corp');
  const otherConsumer = await register(t, 'consumers', 'Other Corp');
  const auditor = await register(t, 'auditors', 'Auditor');
  for (const c of [consumer, otherConsumer]) {
    const r = await t.http.put(`/v1/consumers/${c.id}/agreement`).set(t.auth()).send({ alpha: '0.5', currency: 'USD', policy: 'snapshot' });
    if (r.status !== 200) throw new Error(`agreement: ${r.status} ${JSON.stringify(r.body)}`);
  }
  return { t, events, contributor, otherContributor, consumer, otherConsumer, auditor, head: () => events.headPosition() };
}

export { waitDecided } from '../../e2e/support/datasets';
