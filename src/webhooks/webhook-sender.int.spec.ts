/**
 * The connect-time address check with a real receiver: a host name that
 * resolves to a loopback address is refused in the DNS hook of the
 * connection itself (no request reaches the receiver), and allowed when
 * private addresses are.
 */
import { WebhookReceiver } from '../../test/support/webhook-receiver';
import { sendWebhook } from './webhook-sender';

describe('webhook sender', () => {
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    receiver = await new WebhookReceiver().start();
  });
  afterAll(() => receiver.stop());

  it('refuses a name that resolves to loopback at connect time, before any byte is sent', async () => {
    const url = new URL(`http://localhost:${receiver.port}/dns`);
    const r = await sendWebhook(url, {}, '{}', { timeoutMs: 2000, allowPrivate: false });
    expect(r).toMatchObject({ outcome: 'stop', refused: true, error: expect.stringMatching(/localhost resolves to a loopback address/) });
    expect(receiver.requests.filter((q) => q.path === '/dns')).toHaveLength(0);
    const allowed = await sendWebhook(url, {}, '{}', { timeoutMs: 2000, allowPrivate: true });
    expect(allowed).toMatchObject({ outcome: 'delivered', statusCode: 200 });
    expect(receiver.requests.filter((q) => q.path === '/dns')).toHaveLength(1);
  });

  it('refuses an IP-literal private address without connecting', async () => {
    const r = await sendWebhook(new URL(`http://127.0.0.1:${receiver.port}/lit`), {}, '{}', { timeoutMs: 2000, allowPrivate: false });
    expect(r).toMatchObject({ outcome: 'stop', refused: true });
    expect(receiver.requests.filter((q) => q.path === '/lit')).toHaveLength(0);
  });

  it('times out a receiver that does not answer (retryable) and keeps only 1 KiB of an answer', async () => {
    receiver.responder = (q) => (q.path === '/hang' ? { status: 200, hold: true } : { status: 500, body: 'y'.repeat(10_000) });
    const hung = await sendWebhook(new URL(`http://127.0.0.1:${receiver.port}/hang`), {}, '{}', { timeoutMs: 100, allowPrivate: true });
    expect(hung).toMatchObject({ outcome: 'retry', error: expect.stringMatching(/timeout/) });
    receiver.release();
    const big = await sendWebhook(new URL(`http://127.0.0.1:${receiver.port}/big`), {}, '{}', { timeoutMs: 2000, allowPrivate: true });
    expect(big).toMatchObject({ outcome: 'retry', statusCode: 500 });
    expect(big.responseBody).toHaveLength(1024);
  });

  it('a closed port is a connection error (retryable)', async () => {
    const closed = new WebhookReceiver();
    await closed.start();
    const port = closed.port;
    await closed.stop();
    const r = await sendWebhook(new URL(`http://127.0.0.1:${port}/`), {}, '{}', { timeoutMs: 2000, allowPrivate: true });
    expect(r).toMatchObject({ outcome: 'retry', error: expect.stringMatching(/connection error: ECONNREFUSED/) });
  });
});
