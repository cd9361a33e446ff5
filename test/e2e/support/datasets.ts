/**
 * Uploading a dataset over HTTP to the real app (startTestApp) and waiting
 * for its decision: the helpers every HTTP suite that uploads shares.
 */
import type { TestApp } from './test-app';

/** POST /v1/datasets with the file (and form fields before it); answers the supertest request (await it for the response). */
export function postDataset(t: TestApp, apiKey: string, fileName: string, content: string | Buffer, fields: Record<string, string> = {}) {
  let req = t.http.post('/v1/datasets').set(t.auth(apiKey));
  for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
  return req.attach('file', Buffer.isBuffer(content) ? content : Buffer.from(content), fileName);
}

/** GET /v1/datasets/{id} until it is no longer `processing`; answers that view (fails on any status but 200, or after a minute). */
// Response bodies are checked with toMatchObject; a loose type keeps the assertions readable.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function waitDecided(t: TestApp, apiKey: string, datasetId: string): Promise<Record<string, any>> {
  for (let i = 0; i < 1200; i++) {
    const r = await t.http.get(`/v1/datasets/${datasetId}`).set(t.auth(apiKey));
    if (r.status !== 200) throw new Error(`GET ${datasetId}: ${r.status} ${JSON.stringify(r.body)}`);
    if (r.body.status !== 'processing') return r.body;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error(`${datasetId} still processing`);
}

/** Uploads (202 expected, else it fails with the answer) and waits for the decision. */
export async function uploadAndDecide(
  t: TestApp,
  apiKey: string,
  fileName: string,
  content: string | Buffer,
  fields: Record<string, string> = {},
) {
  const r = await postDataset(t, apiKey, fileName, content, fields);
  if (r.status !== 202) throw new Error(`upload ${fileName}: ${r.status} ${JSON.stringify(r.body)}`);
  return waitDecided(t, apiKey, r.body.datasetId as string);
}
