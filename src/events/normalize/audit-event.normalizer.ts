import { type FieldReader, type JsonObject, requiredString, upper } from './field-readers';
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

function applySession(event: NormalizedEvent, value: unknown, fields: FieldReader): void {
  const session = fields.object(value, 'session');
  if (session === null) return;
  event.sessionId = upper(fields.id(session.uuid, 'session.uuid'));
  event.ip = fields.ip(session.ip, 'session.ip');
}

export const auditEventNormalizer: StreamNormalizer = {
  readId: (raw: JsonObject): string => requiredString(raw.uuid, 'uuid').toUpperCase(),

  fill(raw: JsonObject, event: NormalizedEvent, fields: FieldReader): void {
    const actorUuid = fields.id(raw.actor_uuid, 'actor_uuid');
    applyUser(event, raw.actor_details, ACTOR_DETAILS, fields);
    // actor_uuid is the documented actor; actor_details.uuid only stands in when it is absent.
    setUserActor(event, actorUuid);
    event.action = fields.text(raw.action, 'action');
    event.objectType = fields.text(raw.object_type, 'object_type');
    event.objectId = upper(fields.id(raw.object_uuid, 'object_uuid'));
    event.auxId = upper(fields.id(raw.aux_uuid, 'aux_uuid'));
    event.accountId = readAccountId(raw, fields);
    applySession(event, raw.session, fields);
    applyLocation(event, raw.location, fields);
  },
};
