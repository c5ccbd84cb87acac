import { randomBytes } from 'node:crypto';
import { TokenCipher, tokenHint, TokenUnreadableError } from './token-cipher';

describe('the token cipher', () => {
  const cipher = new TokenCipher(randomBytes(32));
  const token = 'ops_eyJhbGciOiJFUzI1NiJ9.payload.signature-1234';

  it('reads back what it wrote, and never writes the token itself', () => {
    const stored = cipher.encrypt('acme', token);
    expect(stored).not.toContain(token);
    expect(stored).not.toContain('signature');
    expect(cipher.decrypt('acme', stored)).toBe(token);
    // A fresh IV each time: the same token never encrypts the same way twice.
    expect(cipher.encrypt('acme', token)).not.toBe(stored);
  });

  it('refuses another key, another source, or an altered text', () => {
    const stored = cipher.encrypt('acme', token);
    expect(() => new TokenCipher(randomBytes(32)).decrypt('acme', stored)).toThrow(
      TokenUnreadableError,
    );
    expect(() => cipher.decrypt('globex', stored)).toThrow(TokenUnreadableError);
    // One bit of the ciphertext flipped (editing the base64 text could touch padding bits only).
    const [version, iv, tag, ciphertext] = stored.split(':');
    const flipped = Buffer.from(ciphertext, 'base64');
    flipped[0] ^= 1;
    const altered = [version, iv, tag, flipped.toString('base64')].join(':');
    expect(() => cipher.decrypt('acme', altered)).toThrow(TokenUnreadableError);
    expect(() => cipher.decrypt('acme', 'plain')).toThrow(TokenUnreadableError);
    // A tag cut short would make forgery a matter of guessing a few bytes.
    const shortTag = Buffer.from(tag, 'base64').subarray(0, 4).toString('base64');
    expect(() => cipher.decrypt('acme', [version, iv, shortTag, ciphertext].join(':'))).toThrow(
      TokenUnreadableError,
    );
  });

  it('shows the last four characters of a long token only', () => {
    expect(tokenHint(token)).toBe('1234');
    expect(tokenHint('short-token')).toBeNull();
  });
});
