import { createHash, randomBytes } from 'node:crypto';

/** Every generated key starts with this, so that secret scanners and people recognise it. */
export const API_KEY_PREFIX = 'vw_';

/** 32 random bytes: 256 bits, far beyond guessing, so a fast hash is enough to store it. */
const SECRET_BYTES = 32;

/** Characters of a generated secret shown in listings: the marker plus 8 characters (48 bits). */
const DISPLAY_LENGTH = API_KEY_PREFIX.length + 8;

/** Shown instead of a prefix for keys supplied by the operator (ADMIN_API_KEY). */
export const SUPPLIED_KEY_DISPLAY = 'ADMIN_API_KEY';

/** Longest bearer token worth hashing; anything longer cannot be one of ours. */
export const MAX_SECRET_LENGTH = 512;

/** A new secret: `vw_` followed by 32 random bytes in base64url (43 characters). */
export function generateApiKeySecret(): string {
  return API_KEY_PREFIX + randomBytes(SECRET_BYTES).toString('base64url');
}

/** What the database stores and looks keys up by: SHA-256 of the secret, in hex. */
export function hashApiKeySecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/**
 * A short, non-secret label for listings. Only generated keys show a piece of themselves: an
 * operator-supplied key may be short, and any part of it would weaken it.
 */
export function apiKeyDisplayPrefix(secret: string): string {
  return isGeneratedSecret(secret) ? secret.slice(0, DISPLAY_LENGTH) : SUPPLIED_KEY_DISPLAY;
}

function isGeneratedSecret(secret: string): boolean {
  return /^vw_[A-Za-z0-9_-]{43,}$/.test(secret);
}
