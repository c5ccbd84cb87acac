import { type FieldReader, type JsonObject, requiredString, upper } from './field-readers';
import {
  applyClient,
  applyLocation,
  applyUser,
  countryCode,
  readAccountId,
  type StreamNormalizer,
  type UserPaths,
} from './event-parts';
import type { NormalizedEvent } from './normalized-event';

const TARGET_USER: UserPaths = {
  object: 'target_user',
  uuid: 'target_user.uuid',
  name: 'target_user.name',
  email: 'target_user.email',
};

export const signinAttemptNormalizer: StreamNormalizer = {
  readId: (raw: JsonObject): string => requiredString(raw.uuid, 'uuid').toUpperCase(),

  fill(raw: JsonObject, event: NormalizedEvent, fields: FieldReader): void {
    const country = fields.text(raw.country, 'country');
    applyUser(event, raw.target_user, TARGET_USER, fields);
    event.action = 'signin';
    event.result = fields.text(raw.category, 'category');
    event.resultDetail = fields.text(raw.type, 'type');
    event.sessionId = upper(fields.id(raw.session_uuid, 'session_uuid'));
    event.accountId = readAccountId(raw, fields);
    applyClient(event, raw.client, fields);
    applyLocation(event, raw.location, fields);
    // The top-level country fills in when there is no location; location wins so that
    // country, region and city always describe the same place.
    event.country ??= countryCode(country);
  },
};
