import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { generateCheckpointKeys } from '@1tt/audit';
import { CliUsageError, printJson, type CliContext } from '../cli-context';

export function auditKeygenCommand(ctx: CliContext): Command {
  return new Command('keygen')
    .description(
      'Create an Ed25519 key pair for signed checkpoints: private.pem (for the service: CHECKPOINT_SIGNING_KEY_FILE) and public.pem (for auditors: verify --public-key)',
    )
    .requiredOption('--out <dir>', 'directory to write private.pem and public.pem into')
    .option('--force', 'overwrite existing key files')
    .option('--json', 'print the file names and the key fingerprint as JSON')
    .action((flags: { out: string; force?: boolean; json?: boolean }) => {
      const privatePath = join(flags.out, 'private.pem');
      const publicPath = join(flags.out, 'public.pem');
      if (!flags.force && (existsSync(privatePath) || existsSync(publicPath))) {
        throw new CliUsageError(
          `${flags.out} already holds a key; pass --force to replace it (checkpoints signed with the old key then need the old public key)`,
        );
      }
      const keys = generateCheckpointKeys();
      mkdirSync(flags.out, { recursive: true });
      writeFileSync(privatePath, keys.privateKeyPem, { mode: 0o600 });
      writeFileSync(publicPath, keys.publicKeyPem, { mode: 0o644 });
      if (flags.json) {
        printJson(ctx, { privateKey: privatePath, publicKey: publicPath, fingerprint: keys.fingerprint });
        return;
      }
      ctx.stdout.write(
        `wrote ${privatePath} (keep secret; CHECKPOINT_SIGNING_KEY_FILE) and ${publicPath} (give to auditors)\nfingerprint: ${keys.fingerprint}\n`,
      );
    });
}
