import { ConfigError, loadConfig } from '@1tt/config';
import { createApp, listen } from './create-app';

/**
 * `node dist/src/main.js`: reads the environment once, opens the configured
 * stores (embedded under ./data by default) and serves. SIGTERM: stop
 * accepting, finish in-flight requests, end SSE streams and subscriptions,
 * close the stores, exit.
 */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\nThe service did not start.\n`);
      process.exit(78); // EX_CONFIG
    }
    throw e;
  }
  // A generated admin key is announced after the "listening" line, so it is the last thing a first start prints.
  const announcements: string[] = [];
  let announce = (line: string): void => void announcements.push(line);
  const app = await createApp(config, { shutdownHooks: true, announce: (line) => announce(line) });
  await listen(app, config);
  announce = (line) => void process.stdout.write(`${line}\n`);
  for (const line of announcements) announce(line);
}

main().catch((e: unknown) => {
  process.stderr.write(`1TT Ledger failed to start: ${(e as Error)?.stack ?? String(e)}\n`);
  process.exit(1);
});
