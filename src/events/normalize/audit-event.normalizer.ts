import { type JsonObject, optObject, optString, requiredString, upper } from './field-readers';
import {
  applyLocation,
  applyUser,
  readAccountId,
  setUserActor,
  type StreamNormalizer,
  type UserPaths,
} from './event-parts';
import type { NormalizedEvent } from './normalized-event';

const ACTOR_DETAILS: UserPaths = {
  object: 'actor_details',
  uuid: 'actor_details.uuid',
  name: 'actor_details.name',
  email: 'actor_details.email',
};

function applySession(event: NormalizedEvent, value: unknown): void {
  const session = optObject(value, 'session');
  if (session === null) return;
  event.sessionId = upper(optString(session.uuid, 'session.uuid'));
  event.ip = optString(session.ip, 'session.ip');
}

export const auditEventNormalizer: StreamNormalizer = {
  readId: (raw: JsonObject): string => requiredString(raw.uuid, 'uuid').toUpperCase(),

  fill(raw: JsonObject, event: NormalizedEvent): void {
    const actorUuid = optString(raw.actor_uuid, 'actor_uuid');
    applyUser(event, raw.actor_details, ACTOR_DETAILS);
    // actor_uuid is the documented actor; actor_details.uuid only stands in when it is absent.
    setUserActor(event, actorUuid);
    event.action = optString(raw.action, 'action');
    event.objectType = optString(raw.object_type, 'object_type');
    event.objectId = upper(optString(raw.object_uuid, 'object_uuid'));
    event.auxId = upper(optString(raw.aux_uuid, 'aux_uuid'));
    event.accountId = readAccountId(raw);
    applySession(event, raw.session);
    applyLocation(event, raw.location);
  },
};
