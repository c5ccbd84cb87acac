import { ConflictException, Injectable, Logger, NotFoundException } from '@nestjs/common';
import type { ApiPrincipal } from './api-principal';
import type { ApiRole } from './api-role';
import { ApiKeyEntity } from './api-key.entity';
import {
  apiKeyDisplayPrefix,
  generateApiKeySecret,
  hashApiKeySecret,
  MAX_SECRET_LENGTH,
} from './api-key-secret';
import { ApiKeysRepository } from './api-keys.repository';
import { VerifiedKeysCache } from './verified-keys.cache';

/** How long a verified key is trusted without asking the database again. */
export const VERIFIED_KEY_TTL_MS = 5_000;
const VERIFIED_KEY_CACHE_SIZE = 10_000;
/** `last_used_at` is written at most this often per key. */
export const LAST_USED_RESOLUTION_SECONDS = 60;

export interface CreatedApiKey {
  key: ApiKeyEntity;
  /** The only time the secret exists outside its owner's hands: hand it over, never store it. */
  secret: string;
}

@Injectable()
export class ApiKeysService {
  private readonly logger = new Logger(ApiKeysService.name);
  private readonly verified = new VerifiedKeysCache(VERIFIED_KEY_TTL_MS, VERIFIED_KEY_CACHE_SIZE);

  constructor(private readonly keys: ApiKeysRepository) {}

  /** `actor` is the caller, recorded in the log; absent for system actions. */
  async create(name: string, role: ApiRole, actor?: ApiPrincipal): Promise<CreatedApiKey> {
    const secret = generateApiKeySecret();
    const key = await this.keys.insert({
      name,
      role,
      prefix: apiKeyDisplayPrefix(secret),
      keyHash: hashApiKeySecret(secret),
    });
    this.logger.log(`API key ${key.id} (${key.prefix}, ${role}) created${by(actor)}`);
    return { key, secret };
  }

  /** Every key, revoked ones included, oldest first. */
  list(): Promise<ApiKeyEntity[]> {
    return this.keys.listAll();
  }

  /**
   * Revokes a key; revoking a revoked key changes nothing. Refuses to revoke the last active
   * admin key, which would lock every administrator out.
   */
  async revoke(id: string, actor?: ApiPrincipal): Promise<ApiKeyEntity> {
    const revoked = await this.keys.inLockedTransaction(async (manager) => {
      const key = await this.keys.findById(id, manager);
      if (!key) throw new NotFoundException(`API key ${id} not found`);
      if (key.revokedAt) return key;
      if (key.role === 'admin' && (await this.keys.countActiveAdmins(manager)) <= 1) {
        throw new ConflictException(
          'This is the last active admin key: create another admin key before revoking it',
        );
      }
      await this.keys.markRevoked(id, manager);
      return (await this.keys.findById(id, manager)) ?? key;
    });
    this.verified.evict(id);
    this.logger.log(`API key ${id} (${revoked.prefix}) revoked${by(actor)}`);
    return revoked;
  }

  /** The principal of an active key, or null for an unknown or revoked secret. */
  async verify(secret: string): Promise<ApiPrincipal | null> {
    if (secret.length === 0 || secret.length > MAX_SECRET_LENGTH) return null;
    // Looked up by hash: the comparison never touches the secret itself.
    const hash = hashApiKeySecret(secret);
    const cached = this.verified.get(hash);
    if (cached) return cached;

    const key = await this.keys.findByHash(hash);
    if (!key || key.revokedAt) return null;
    const principal: ApiPrincipal = { id: key.id, name: key.name, role: key.role };
    this.verified.set(hash, principal);
    await this.noteUse(key);
    return principal;
  }

  private async noteUse(key: ApiKeyEntity): Promise<void> {
    const recent = Date.now() - LAST_USED_RESOLUTION_SECONDS * 1000;
    if (key.lastUsedAt && key.lastUsedAt.getTime() > recent) return;
    try {
      await this.keys.touchLastUsed(key.id, LAST_USED_RESOLUTION_SECONDS);
    } catch (error) {
      // Bookkeeping only: a failed write must not refuse a valid key.
      this.logger.warn(`Could not record the use of API key ${key.id}: ${errorText(error)}`);
    }
  }
}

function by(actor: ApiPrincipal | undefined): string {
  return actor ? ` by key ${actor.id} (${actor.name})` : '';
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
