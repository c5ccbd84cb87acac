import { toCountryCode } from './country-code';
import { type JsonObject, optCoordinate, optObject, optString, upper } from './field-readers';
import type { NormalizedEvent, Stream } from './normalized-event';

/** How one stream is read: its id (read first, so a rejection can name it) and the rest. */
export interface StreamNormalizer {
  readId(raw: JsonObject): string;
  fill(raw: JsonObject, event: NormalizedEvent): void;
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

export function applyUser(event: NormalizedEvent, value: unknown, paths: UserPaths): void {
  const user = optObject(value, paths.object);
  if (user === null) return;
  setUserActor(event, optString(user.uuid, paths.uuid));
  event.actorName = optString(user.name, paths.name);
  event.actorEmail = optString(user.email, paths.email);
}

/** Actor type is only claimed when there is an actor id to go with it. */
export function setUserActor(event: NormalizedEvent, uuid: string | null): void {
  if (uuid === null) return;
  event.actorId = uuid.toUpperCase();
  event.actorType = 'user';
}

export function applyClient(event: NormalizedEvent, value: unknown): void {
  const client = optObject(value, 'client');
  if (client === null) return;
  event.clientApp = optString(client.app_name, 'client.app_name');
  event.clientVersion = optString(client.app_version, 'client.app_version');
  event.platform = optString(client.platform_name, 'client.platform_name');
  event.os = optString(client.os_name, 'client.os_name');
  event.ip = optString(client.ip_address, 'client.ip_address');
}

export function applyLocation(event: NormalizedEvent, value: unknown): void {
  const location = optObject(value, 'location');
  if (location === null) return;
  event.country = countryCode(optString(location.country, 'location.country'));
  event.region = optString(location.region, 'location.region');
  event.city = optString(location.city, 'location.city');
  event.latitude = optCoordinate(location.latitude, 'location.latitude', 90);
  event.longitude = optCoordinate(location.longitude, 'location.longitude', 180);
}

export function countryCode(value: string | null): string | null {
  return value === null ? null : toCountryCode(value);
}

export function readAccountId(raw: JsonObject): string | null {
  return upper(optString(raw.account_uuid, 'account_uuid'));
}
