import {
  FieldError,
  type FieldReader,
  type JsonObject,
  lower,
  MAX_USER_AGENT_LENGTH,
  requiredString,
  upper,
} from './field-readers';
import type { StreamNormalizer } from './event-parts';
import type { NormalizedEvent } from './normalized-event';

// The OpenAPI spec says requestId / requestIp, the docs prose requestID / ip: accept each.

function readRequestId(raw: JsonObject): string {
  if (raw.requestId !== undefined && raw.requestId !== null) {
    return requiredString(raw.requestId, 'requestId').toLowerCase();
  }
  if (raw.requestID !== undefined && raw.requestID !== null) {
    return requiredString(raw.requestID, 'requestID').toLowerCase();
  }
  throw new FieldError('requestId: missing');
}

function applyActor(event: NormalizedEvent, value: unknown, fields: FieldReader): void {
  const actor = fields.object(value, 'actor');
  if (actor === null) return;
  event.actorId = lower(fields.id(actor.jti, 'actor.jti'));
  if (event.actorId !== null) event.actorType = 'connect_token';
  event.connectServerId = lower(fields.id(actor.id, 'actor.id'));
  // Upper-case, as the Events API normalizers spell account ids (one spelling everywhere).
  event.accountId = upper(fields.id(actor.account, 'actor.account'));
  event.userAgent = fields.text(actor.userAgent, 'actor.userAgent', MAX_USER_AGENT_LENGTH);
  event.ip = fields.ip(actor.requestIp, 'actor.requestIp') ?? fields.ip(actor.ip, 'actor.ip');
}

function applyResource(event: NormalizedEvent, value: unknown, fields: FieldReader): void {
  const resource = fields.object(value, 'resource');
  if (resource === null) return;
  const vault = fields.object(resource.vault, 'resource.vault');
  const item = fields.object(resource.item, 'resource.item');
  if (vault !== null) event.vaultId = lower(fields.id(vault.id, 'resource.vault.id'));
  if (item !== null) event.itemId = lower(fields.id(item.id, 'resource.item.id'));
}

export const connectActivityNormalizer: StreamNormalizer = {
  readId: readRequestId,

  fill(raw: JsonObject, event: NormalizedEvent, fields: FieldReader): void {
    const topLevelIp = fields.ip(raw.ip, 'ip');
    event.action = fields.text(raw.action, 'action');
    event.result = fields.text(raw.result, 'result');
    applyActor(event, raw.actor, fields);
    event.ip ??= topLevelIp;
    applyResource(event, raw.resource, fields);
  },
};
