import { Injectable } from '@nestjs/common';
import { contributorSubject, SubjectKeyErased, SubjectKeyStore } from './subject-key-store';

/** What reads show for a party whose personal data was erased. */
export const ERASED_NAME = 'erased';

/** A registration's name as recorded: in clear (before names were sealed, and for consumers and auditors) or sealed. */
export interface RecordedName {
  displayName?: unknown;
  sealedDisplayName?: unknown;
}

/**
 * Contributors' display names are recorded sealed (AES-256-GCM under the
 * contributor's own key, as payout details are) so that erasure, which
 * destroys the key, erases every copy: the log, exports, read models and
 * backups hold only ciphertext. This opens them for a read.
 */
@Injectable()
export class PersonalNames {
  constructor(private readonly keys: SubjectKeyStore) {}

  /** Seals a contributor's name for the log. */
  seal(contributorId: string, displayName: string): { keyId: string; ciphertext: string } {
    return this.keys.encrypt(contributorSubject(contributorId), displayName);
  }

  /** Whether the contributor's personal data was erased (their key destroyed). */
  isErased(contributorId: string): boolean {
    return this.keys.isErased(contributorSubject(contributorId));
  }

  /**
   * The name to show: the clear name, the opened sealed one, or "erased"
   * once the contributor's key is destroyed (a clear name recorded before
   * names were sealed is hidden then too, though it stays in the log).
   * Undefined: no name recorded (or one this key store cannot open).
   */
  open(partyId: string, recorded: RecordedName, role: string = 'contributor'): string | undefined {
    if (role === 'contributor' && this.isErased(partyId)) return ERASED_NAME;
    if (typeof recorded.displayName === 'string') return recorded.displayName;
    const sealed = recorded.sealedDisplayName as { ciphertext?: unknown } | undefined;
    if (!sealed || typeof sealed.ciphertext !== 'string') return undefined;
    try {
      return this.keys.decrypt(contributorSubject(partyId), sealed.ciphertext);
    } catch (e) {
      if (e instanceof SubjectKeyErased) return ERASED_NAME;
      return undefined;
    }
  }
}
