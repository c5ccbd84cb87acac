import type { EventRow } from './events.repository';
import type { DetectEvent } from './detect-event';

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const number = (value: unknown): number | null => (typeof value === 'number' ? value : null);

/** An events row (snake_case, raw left out) as the rules read it. */
export function toDetectEvent(row: EventRow): DetectEvent {
  return {
    id: row.id,
    stream: row.stream,
    externalId: String(row.external_id),
    eventTime: row.event_time as Date,
    ingestedAt: row.ingested_at as Date,
    actorType: text(row.actor_type) as DetectEvent['actorType'],
    actorId: text(row.actor_id),
    actorEmail: text(row.actor_email),
    actorName: text(row.actor_name),
    connectServerId: text(row.connect_server_id),
    action: text(row.action),
    result: text(row.result),
    resultDetail: text(row.result_detail),
    objectType: text(row.object_type),
    objectId: text(row.object_id),
    auxId: text(row.aux_id),
    vaultId: text(row.vault_id),
    itemId: text(row.item_id),
    sessionId: text(row.session_id),
    ip: text(row.ip),
    country: text(row.country),
    region: text(row.region),
    city: text(row.city),
    latitude: number(row.latitude),
    longitude: number(row.longitude),
    clientApp: text(row.client_app),
    clientVersion: text(row.client_version),
    platform: text(row.platform),
    os: text(row.os),
    userAgent: text(row.user_agent),
    accountId: text(row.account_id),
    raw: {},
  };
}
