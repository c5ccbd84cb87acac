import {
  FieldError,
  type JsonObject,
  lower,
  optObject,
  optString,
  requiredString,
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

function applyActor(event: NormalizedEvent, value: unknown): void {
  const actor = optObject(value, 'actor');
  if (actor === null) return;
  event.actorId = lower(optString(actor.jti, 'actor.jti'));
  if (event.actorId !== null) event.actorType = 'connect_token';
  event.connectServerId = lower(optString(actor.id, 'actor.id'));
  event.accountId = lower(optString(actor.account, 'actor.account'));
  event.userAgent = optString(actor.userAgent, 'actor.userAgent');
  event.ip = optString(actor.requestIp, 'actor.requestIp') ?? optString(actor.ip, 'actor.ip');
}

function applyResource(event: NormalizedEvent, value: unknown): void {
  const resource = optObject(value, 'resource');
  if (resource === null) return;
  const vault = optObject(resource.vault, 'resource.vault');
  const item = optObject(resource.item, 'resource.item');
  if (vault !== null) event.vaultId = lower(optString(vault.id, 'resource.vault.id'));
  if (item !== null) event.itemId = lower(optString(item.id, 'resource.item.id'));
}

export const connectActivityNormalizer: StreamNormalizer = {
  readId: readRequestId,

  fill(raw: JsonObject, event: NormalizedEvent): void {
    const topLevelIp = optString(raw.ip, 'ip');
    event.action = optString(raw.action, 'action');
    event.result = optString(raw.result, 'result');
    applyActor(event, raw.actor);
    event.ip ??= topLevelIp;
    applyResource(event, raw.resource);
  },
};
