import { toCountryCode } from './country-code';
import { type FieldReader, type JsonObject, MAX_VERSION_LENGTH, upper } from './field-readers';
import type { NormalizedEvent, Stream } from './normalized-event';

/**
 * How one stream is read: its id (read first, so a rejection can name it; an unusable id
 * throws) and the rest, whose bad values `fields` drops and notes.
 */
export interface StreamNormalizer {
  readId(raw: JsonObject): string;
  fill(raw: JsonObject, event: NormalizedEvent, fields: FieldReader): void;
}

/** Every field present from the start so all events share one object shape. */
export function emptyEvent(
  stream: Stream,
  externalId: string,
  eventTime: Date,
  raw: JsonObject,
): NormalizedEvent {
  return {
    stream,
    externalId,
    eventTime,
    actorType: null,
    actorId: null,
    actorEmail: null,
    actorName: null,
    connectServerId: null,
    action: null,
    result: null,
    resultDetail: null,
    objectType: null,
    objectId: null,
    auxId: null,
    vaultId: null,
    itemId: null,
    sessionId: null,
    ip: null,
    country: null,
    region: null,
    city: null,
    latitude: null,
    longitude: null,
    clientApp: null,
    clientVersion: null,
    platform: null,
    os: null,
    userAgent: null,
    accountId: null,
    raw,
  };
}

/** Field paths for one use of the Events API `User` object, spelled out once per use. */
export interface UserPaths {
  readonly object: string;
  readonly uuid: string;
  readonly name: string;
  readonly email: string;
}

export function applyUser(
  event: NormalizedEvent,
  value: unknown,
  paths: UserPaths,
  fields: FieldReader,
): void {
  const user = fields.object(value, paths.object);
  if (user === null) return;
  setUserActor(event, fields.id(user.uuid, paths.uuid));
  event.actorName = fields.text(user.name, paths.name);
  event.actorEmail = fields.text(user.email, paths.email);
}

/** Actor type is only claimed when there is an actor id to go with it. */
export function setUserActor(event: NormalizedEvent, uuid: string | null): void {
  if (uuid === null) return;
  event.actorId = uuid.toUpperCase();
  event.actorType = 'user';
}

export function applyClient(event: NormalizedEvent, value: unknown, fields: FieldReader): void {
  const client = fields.object(value, 'client');
  if (client === null) return;
  event.clientApp = fields.text(client.app_name, 'client.app_name');
  event.clientVersion = fields.text(client.app_version, 'client.app_version', MAX_VERSION_LENGTH);
  event.platform = fields.text(client.platform_name, 'client.platform_name');
  event.os = fields.text(client.os_name, 'client.os_name');
  event.ip = fields.ip(client.ip_address, 'client.ip_address');
}

export function applyLocation(event: NormalizedEvent, value: unknown, fields: FieldReader): void {
  const location = fields.object(value, 'location');
  if (location === null) return;
  event.country = countryCode(fields.text(location.country, 'location.country'));
  event.region = fields.text(location.region, 'location.region');
  event.city = fields.text(location.city, 'location.city');
  event.latitude = fields.coordinate(location.latitude, 'location.latitude', 90);
  event.longitude = fields.coordinate(location.longitude, 'location.longitude', 180);
}

export function countryCode(value: string | null): string | null {
  return value === null ? null : toCountryCode(value);
}

export function readAccountId(raw: JsonObject, fields: FieldReader): string | null {
  return upper(fields.id(raw.account_uuid, 'account_uuid'));
}
