import { createHash } from 'node:crypto';
import {
  apiKeyDisplayPrefix,
  generateApiKeySecret,
  hashApiKeySecret,
  SUPPLIED_KEY_DISPLAY,
} from './api-key-secret';

describe('api key secrets', () => {
  it('are vw_ followed by 32 random bytes in base64url', () => {
    const secret = generateApiKeySecret();
    expect(secret).toMatch(/^vw_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(secret.slice(3), 'base64url')).toHaveLength(32);
  });

  it('never repeat', () => {
    const secrets = new Set(Array.from({ length: 1000 }, () => generateApiKeySecret()));
    expect(secrets.size).toBe(1000);
  });

  it('are stored as their SHA-256 in hex', () => {
    const secret = 'vw_example-secret';
    const hash = hashApiKeySecret(secret);
    expect(hash).toBe(createHash('sha256').update(secret).digest('hex'));
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toContain(secret);
  });

  it('show a short prefix of generated keys only', () => {
    const secret = generateApiKeySecret();
    const prefix = apiKeyDisplayPrefix(secret);
    expect(prefix).toBe(secret.slice(0, 11));
    expect(secret.length - prefix.length).toBeGreaterThanOrEqual(35);
  });

  it('show no part of an operator-supplied key', () => {
    expect(apiKeyDisplayPrefix('correct-horse-battery-staple')).toBe(SUPPLIED_KEY_DISPLAY);
    expect(apiKeyDisplayPrefix('vw_short')).toBe(SUPPLIED_KEY_DISPLAY);
  });
});
