import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { once } from 'node:events';
import { startWorkerThread } from '@1tt/worker-threads';

/** startWorkerThread runs a worker script compiled (.js) or from TypeScript (.ts through tsx), with its workerData. */
describe('startWorkerThread', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), '1tt-worker-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function answer(name: string): Promise<unknown> {
    const worker = startWorkerThread(dir, name, { workerData: { n: 20 } });
    try {
      const [message] = await once(worker, 'message');
      return message;
    } finally {
      await worker.terminate();
    }
  }

  it('starts name.js when it is there (compiled code)', async () => {
    fs.writeFileSync(
      path.join(dir, 'echo.worker.js'),
      "const { parentPort, workerData } = require('node:worker_threads'); parentPort.postMessage({ from: 'js', twice: workerData.n * 2 });",
    );
    await expect(answer('echo.worker')).resolves.toEqual({ from: 'js', twice: 40 });
  });

  it('otherwise starts name.ts through tsx (running from sources)', async () => {
    fs.writeFileSync(
      path.join(dir, 'typed.worker.ts'),
      "import { parentPort, workerData } from 'node:worker_threads';\nconst n: number = (workerData as { n: number }).n;\nparentPort!.postMessage({ from: 'ts', twice: n * 2 });\n",
    );
    await expect(answer('typed.worker')).resolves.toEqual({ from: 'ts', twice: 40 });
  });
});
