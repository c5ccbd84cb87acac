import { type JsonObject, optString, requiredString, upper } from './field-readers';
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

  fill(raw: JsonObject, event: NormalizedEvent): void {
    const country = optString(raw.country, 'country');
    applyUser(event, raw.target_user, TARGET_USER);
    event.action = 'signin';
    event.result = optString(raw.category, 'category');
    event.resultDetail = optString(raw.type, 'type');
    event.sessionId = upper(optString(raw.session_uuid, 'session_uuid'));
    event.accountId = readAccountId(raw);
    applyClient(event, raw.client);
    applyLocation(event, raw.location);
    // The top-level country fills in when there is no location; location wins so that
    // country, region and city always describe the same place.
    event.country ??= countryCode(country);
  },
};
