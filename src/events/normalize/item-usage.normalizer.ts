import { type FieldReader, type JsonObject, lower, requiredString } from './field-readers';
import {
  applyClient,
  applyLocation,
  applyUser,
  readAccountId,
  type StreamNormalizer,
  type UserPaths,
} from './event-parts';
import type { NormalizedEvent } from './normalized-event';

const USER: UserPaths = {
  object: 'user',
  uuid: 'user.uuid',
  name: 'user.name',
  email: 'user.email',
};

export const itemUsageNormalizer: StreamNormalizer = {
  readId: (raw: JsonObject): string => requiredString(raw.uuid, 'uuid').toUpperCase(),

  fill(raw: JsonObject, event: NormalizedEvent, fields: FieldReader): void {
    applyUser(event, raw.user, USER, fields);
    // Clients older than 1Password 8.4.0 send no action; the API calls that `other`.
    event.action = fields.text(raw.action, 'action') ?? 'other';
    // Vault and item uuids arrive lower-case and Connect ids are lower-case: join on that.
    event.vaultId = lower(fields.id(raw.vault_uuid, 'vault_uuid'));
    event.itemId = lower(fields.id(raw.item_uuid, 'item_uuid'));
    event.accountId = readAccountId(raw, fields);
    applyClient(event, raw.client, fields);
    applyLocation(event, raw.location, fields);
  },
};
