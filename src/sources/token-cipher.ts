import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const ALGORITHM = 'aes-256-gcm';
const VERSION = 'v1';

/** The stored token cannot be read back: the key is missing, changed, or the text was altered. */
export class TokenUnreadableError extends Error {
  constructor(sourceName: string) {
    super(`the token of source ${sourceName} cannot be decrypted with SOURCES_ENCRYPTION_KEY`);
    this.name = 'TokenUnreadableError';
  }
}

/**
 * Encrypts source tokens at rest with AES-256-GCM: a fresh 96-bit IV per token, and the
 * source's name as additional data, so a ciphertext copied onto another source fails.
 * Stored as `v1:<iv>:<tag>:<ciphertext>`, each base64.
 */
export class TokenCipher {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('SOURCES_ENCRYPTION_KEY must be 32 bytes');
  }

  encrypt(sourceName: string, token: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv(ALGORITHM, this.key, iv);
    cipher.setAAD(Buffer.from(sourceName, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(token, 'utf8'), cipher.final()]);
    return [VERSION, iv, cipher.getAuthTag(), ciphertext]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64')))
      .join(':');
  }

  decrypt(sourceName: string, stored: string): string {
    const parts = stored.split(':');
    const [version, iv, tag, ciphertext] = parts;
    if (parts.length !== 4 || version !== VERSION || !iv || !tag) {
      throw new TokenUnreadableError(sourceName);
    }
    try {
      // A full 16-byte tag only: GCM would otherwise accept a truncated, forgeable one.
      const decipher = createDecipheriv(ALGORITHM, this.key, Buffer.from(iv, 'base64'), {
        authTagLength: 16,
      });
      decipher.setAAD(Buffer.from(sourceName, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64'));
      return Buffer.concat([
        decipher.update(Buffer.from(ciphertext, 'base64')),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      throw new TokenUnreadableError(sourceName);
    }
  }
}

/** The last four characters of a long token, to tell tokens apart; nothing of a short one. */
export function tokenHint(token: string): string | null {
  return token.length >= 16 ? token.slice(-4) : null;
}
