/**
 * Signing secrets at rest: AES-256-GCM under a key kept in a file
 * (WEBHOOK_SECRET_KEY_FILE, default DATA_DIR/webhook-secrets.key, mode 0600),
 * never in the log. The first process to need the key creates it atomically
 * (write a temp file, then link it into place: exactly one file wins), so
 * several processes on one DATA_DIR share one key.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

export class WebhookSecretCipher {
  private key?: Buffer;

  constructor(private readonly keyFile: string) {}

  /** Which key encrypts: the first 16 hex characters of SHA-256 of it (recorded with each ciphertext). */
  keyId(): string {
    return createHash('sha256').update(this.load()).digest('hex').slice(0, 16);
  }

  encrypt(secret: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.load(), iv);
    const ct = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), ct]).toString('base64url');
  }

  /** Throws when the ciphertext was made under another key or altered. */
  decrypt(ciphertext: string): string {
    const raw = Buffer.from(ciphertext, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', this.load(), raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  }

  private load(): Buffer {
    if (this.key) return this.key;
    if (!fs.existsSync(this.keyFile)) this.create();
    const text = fs.readFileSync(this.keyFile, 'utf8').trim();
    if (!/^[0-9a-f]{64}$/.test(text)) {
      throw new Error(`${this.keyFile} is not a webhook secret key (64 hex characters); restore it or point WEBHOOK_SECRET_KEY_FILE at it`);
    }
    this.key = Buffer.from(text, 'hex');
    return this.key;
  }

  private create(): void {
    fs.mkdirSync(path.dirname(this.keyFile), { recursive: true });
    const tmp = `${this.keyFile}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    fs.writeFileSync(tmp, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    try {
      fs.linkSync(tmp, this.keyFile);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    } finally {
      fs.rmSync(tmp, { force: true });
    }
  }
}
