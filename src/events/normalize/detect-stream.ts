import { isJsonObject, type JsonObject } from './field-readers';
import type { Stream } from './normalized-event';
import {
  AUDIT_EVENT_ACTIONS,
  CONNECT_ACTIONS,
  ITEM_USAGE_ACTIONS,
  SIGNIN_CATEGORIES,
  SIGNIN_TYPES,
} from './vocabulary';

// Each test looks for keys only one stream has, so an event missing optional fields is still
// recognised. Enumeration values decide only where keys alone cannot (action is shared).

function has(raw: JsonObject, key: string): boolean {
  return raw[key] !== undefined;
}

function isIn(value: unknown, known: ReadonlySet<string>): boolean {
  return typeof value === 'string' && known.has(value);
}

function looksLikeConnect(raw: JsonObject): boolean {
  if (has(raw, 'requestId') || has(raw, 'requestID')) return true;
  if (isJsonObject(raw.actor) || isJsonObject(raw.resource)) return true;
  // No Events API stream has a top-level `result`.
  return has(raw, 'result') && isIn(raw.action, CONNECT_ACTIONS);
}

function looksLikeSigninAttempt(raw: JsonObject): boolean {
  if (has(raw, 'session_uuid') || has(raw, 'target_user')) return true;
  if (has(raw, 'category') && has(raw, 'type')) return true;
  // `category` or `type` alone are too generic to trust unless the value is a known one.
  return isIn(raw.category, SIGNIN_CATEGORIES) || isIn(raw.type, SIGNIN_TYPES);
}

function looksLikeAuditEvent(raw: JsonObject): boolean {
  if (has(raw, 'actor_uuid') || has(raw, 'actor_details')) return true;
  if (has(raw, 'object_type') || has(raw, 'object_uuid')) return true;
  if (has(raw, 'aux_uuid') || has(raw, 'aux_id') || has(raw, 'aux_info')) return true;
  if (isJsonObject(raw.session)) return true;
  return isIn(raw.action, AUDIT_EVENT_ACTIONS) && !isIn(raw.action, ITEM_USAGE_ACTIONS);
}

function looksLikeItemUsage(raw: JsonObject): boolean {
  if (has(raw, 'item_uuid') || has(raw, 'vault_uuid') || has(raw, 'used_version')) return true;
  // Only item usages carry `user`; sign-ins say target_user and audit events actor_details.
  if (isJsonObject(raw.user)) return true;
  const action = raw.action;
  if (typeof action !== 'string' || !ITEM_USAGE_ACTIONS.has(action)) return false;
  // export and share are audit actions too; a client object settles it (audit events have none).
  return isJsonObject(raw.client) || !AUDIT_EVENT_ACTIONS.has(action);
}

/** Which stream a raw object comes from, judged by its shape; null when it fits none. */
export function detectStream(raw: unknown): Stream | null {
  if (!isJsonObject(raw)) return null;
  if (looksLikeConnect(raw)) return 'connect_activity';
  if (looksLikeSigninAttempt(raw)) return 'signin_attempt';
  if (looksLikeAuditEvent(raw)) return 'audit_event';
  if (looksLikeItemUsage(raw)) return 'item_usage';
  return null;
}
