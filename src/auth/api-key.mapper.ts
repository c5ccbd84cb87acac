import type { ApiKeyEntity } from './api-key.entity';
import type { ApiKeyView, CreatedApiKeyView } from './api-key.dto';

export function toApiKeyView(key: ApiKeyEntity): ApiKeyView {
  return {
    id: key.id,
    name: key.name,
    role: key.role,
    prefix: key.prefix,
    active: key.revokedAt === null,
    createdAt: key.createdAt.toISOString(),
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    revokedAt: key.revokedAt?.toISOString() ?? null,
  };
}

export function toCreatedApiKeyView(key: ApiKeyEntity, secret: string): CreatedApiKeyView {
  return { ...toApiKeyView(key), secret };
}
