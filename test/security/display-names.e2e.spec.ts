/** Issue #20: display names with bidi controls or zero-width characters are refused over HTTP and write nothing. */
import { EventStore } from '@1tt/event-store';
import { startTestApp, type TestApp } from '../e2e/support/test-app';

describe('display names that render as something else', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp()));
  afterAll(async () => t?.close());

  it.each([
    ['contributors', 'Mallory\u202Eexe.txt'],
    ['consumers', 'LLM\u200BCorp'],
    ['auditors', '\u2067Eve\u2069'],
  ])('POST /v1/%s refuses %j: 400 problem+json naming the field, log head unchanged', async (route, displayName) => {
    const head = await t.get(EventStore).headPosition();
    const r = await t.http.post(`/v1/${route}`).set(t.auth()).send({ displayName });
    expect(r.status).toBe(400);
    expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(r.body).toMatchObject({
      code: 'display-name-invisible-formatting',
      errors: [expect.objectContaining({ field: 'displayName' })],
    });
    expect(r.body.hint).toEqual(expect.any(String));
    expect(await t.get(EventStore).headPosition()).toBe(head);
  });

  it('still registers a name in a right-to-left script', async () => {
    await t.http.post('/v1/contributors').set(t.auth()).send({ displayName: 'עדה לאבלייס' }).expect(201);
  });
});
