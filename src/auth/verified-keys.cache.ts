import type { ApiPrincipal } from './api-principal';

interface Entry {
  principal: ApiPrincipal;
  expiresAt: number;
}

/**
 * Recently verified keys by hash, kept a few seconds so that a burst of requests costs one
 * lookup. Short on purpose: a key revoked by another process stops working within `ttlMs`.
 */
export class VerifiedKeysCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(hash: string): ApiPrincipal | undefined {
    const entry = this.entries.get(hash);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(hash);
      return undefined;
    }
    return entry.principal;
  }

  set(hash: string, principal: ApiPrincipal): void {
    if (this.entries.size >= this.maxEntries) this.prune();
    this.entries.set(hash, { principal, expiresAt: this.now() + this.ttlMs });
  }

  /** Forgets a key at once (it was revoked here). */
  evict(keyId: string): void {
    for (const [hash, entry] of this.entries) {
      if (entry.principal.id === keyId) this.entries.delete(hash);
    }
  }

  private prune(): void {
    const now = this.now();
    for (const [hash, entry] of this.entries) {
      if (entry.expiresAt <= now) this.entries.delete(hash);
    }
    if (this.entries.size >= this.maxEntries) this.entries.clear();
  }
}
