/**
 * Crypto-shredding key store: one AES-256 key per data subject (a
 * contributor), one file per key under PERSONAL_DATA_KEY_DIR (default
 * DATA_DIR/personal-data-keys, mode 0600). Personal data is written to the
 * log only as AES-256-GCM ciphertext under its subject's key, so the log's
 * hashes cover ciphertext and stay valid when the key is destroyed:
 * erasing a subject deletes its key file (overwritten first), after which
 * every copy of its personal data, in the log, in exports and in backups of
 * the log, is unreadable. Back up this directory separately from the log
 * (and expire those backups): a restored key restores what it protects.
 *
 * Several processes on one key directory share keys: the first to need a
 * key creates it atomically (temp file, then link: one file wins).
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

export class SubjectKeyErased extends Error {
  constructor(readonly subject: string) {
    super(`The key of ${subject} was destroyed (erased)`);
  }
}

export class SubjectKeyStore {
  constructor(private readonly dir: string) {}

  /** Encrypts under the subject's key (created at first use); returns the key id and base64url(iv ‖ tag ‖ ciphertext). */
  encrypt(subject: string, plaintext: string): { keyId: string; ciphertext: string } {
    const key = this.load(subject, true)!;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(subject, 'utf8'));
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return { keyId: keyIdOf(key), ciphertext: Buffer.concat([iv, cipher.getAuthTag(), ct]).toString('base64url') };
  }

  /** Throws SubjectKeyErased when the subject's key is gone; an Error when the ciphertext is not under it. */
  decrypt(subject: string, ciphertext: string): string {
    const key = this.load(subject, false);
    if (!key) throw new SubjectKeyErased(subject);
    const raw = Buffer.from(ciphertext, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(subject, 'utf8'));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  }

  /** Whether the subject's key was destroyed (a subject that never had a key is not erased). */
  isErased(subject: string): boolean {
    return fs.existsSync(this.tombstoneFile(subject));
  }

  /** Destroys the subject's key (overwrite, then unlink) and leaves a tombstone so no new key is ever made for it. Idempotent. */
  erase(subject: string): void {
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    fs.writeFileSync(this.tombstoneFile(subject), `${new Date().toISOString()}\n`, { mode: 0o600 });
    const file = this.keyFile(subject);
    if (fs.existsSync(file)) {
      const size = fs.statSync(file).size;
      const fd = fs.openSync(file, 'r+');
      try {
        fs.writeSync(fd, Buffer.alloc(size, 0), 0, size, 0);
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      fs.rmSync(file, { force: true });
    }
  }

  private keyFile(subject: string): string {
    return path.join(this.dir, `${createHash('sha256').update(subject).digest('hex')}.key`);
  }

  private tombstoneFile(subject: string): string {
    return path.join(this.dir, `${createHash('sha256').update(subject).digest('hex')}.erased`);
  }

  private load(subject: string, create: boolean): Buffer | undefined {
    if (this.isErased(subject)) {
      if (create) throw new SubjectKeyErased(subject);
      return undefined;
    }
    const file = this.keyFile(subject);
    if (!fs.existsSync(file)) {
      if (!create) return undefined;
      this.create(file);
    }
    const text = fs.readFileSync(file, 'utf8').trim();
    if (!/^[0-9a-f]{64}$/.test(text)) throw new Error(`${file} is not a subject key (64 hex characters)`);
    // Read each time (no cache): an erasure by another process takes effect at once.
    return Buffer.from(text, 'hex');
  }

  private create(file: string): void {
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    fs.writeFileSync(tmp, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    try {
      fs.linkSync(tmp, file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    } finally {
      fs.rmSync(tmp, { force: true });
    }
  }
}

/** The first 16 hex characters of SHA-256 of the key: which key encrypted a value (recorded with it). */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

/** The subject name of a contributor in the key store. */
export const contributorSubject = (contributorId: string): string => `contributor:${contributorId}`;
