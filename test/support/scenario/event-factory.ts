import { lowerId, Rng, upperId, uuidV4 } from './prng';
import type {
  ApiRequest,
  AuditEvent,
  AuditSession,
  ConnectActor,
  ConnectResource,
  ItemUsage,
  OpClient,
  OpLocation,
  OpUser,
  SignInAttempt,
  TimedEvent,
} from './types';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** Id slots: `slot << 21 | counter` is unique, and fmix32 of it makes ids unique by construction. */
export const POPULATION_SLOT = 1022;
export const ATTACK_SLOT = 1023;
export const MAX_DAYS = 1000;
const PER_SLOT = 1 << 21;

/**
 * Go's RFC3339Nano, as the 1Password servers print times: up to 9 fractional digits, trailing
 * zeros trimmed, no fraction at all when it is zero.
 */
export function formatTimestamp(ms: number, subMsNanos: number): string {
  const iso = new Date(ms).toISOString();
  const fraction = (iso.slice(20, 23) + String(subMsNanos).padStart(6, '0')).replace(/0+$/, '');
  return fraction === '' ? `${iso.slice(0, 19)}Z` : `${iso.slice(0, 19)}.${fraction}Z`;
}

export interface ItemUsageInput {
  timeMs: number;
  availableAt: number;
  user: OpUser;
  action: string | undefined;
  vaultId: string;
  itemId: string;
  usedVersion: number;
  client: OpClient;
  location: OpLocation | undefined;
}

export interface SignInInput {
  timeMs: number;
  availableAt: number;
  sessionUuid: string;
  category: string;
  type: string;
  country: string;
  details: { value: string } | null;
  user: OpUser;
  client: OpClient;
  location: OpLocation | undefined;
}

export interface AuditInput {
  timeMs: number;
  availableAt: number;
  actor: OpUser;
  action: string;
  objectType: string;
  objectUuid: string;
  objectDetails?: OpUser;
  auxId?: number;
  auxUuid?: string;
  auxDetails?: OpUser;
  auxInfo?: string;
  session: AuditSession;
  location: OpLocation | undefined;
}

export interface ConnectInput {
  timeMs: number;
  availableAt: number;
  action: string;
  result: string;
  actor: ConnectActor;
  resource: ConnectResource;
}

/**
 * Builds raw events with unique ids. Property order follows the API's JSON so that serialised
 * output reads like the real thing; shared sub-objects (user, client, location, actor) are
 * reused between events to keep a million events small.
 */
export class EventFactory {
  private counter = 0;

  constructor(
    private readonly accountUuid: string,
    private readonly slot: number,
    readonly rng: Rng,
  ) {
    if (slot < 0 || slot > ATTACK_SLOT) throw new RangeError(`id slot ${slot} out of range`);
  }

  private nextUnique(): number {
    if (this.counter >= PER_SLOT) {
      throw new RangeError(`more than ${PER_SLOT} events in one scenario day`);
    }
    return ((this.slot << 21) | this.counter++) >>> 0;
  }

  upperId(): string {
    return upperId(this.nextUnique(), this.rng);
  }

  lowerId(): string {
    return lowerId(this.nextUnique(), this.rng);
  }

  uuid(): string {
    return uuidV4(this.nextUnique(), this.rng);
  }

  timestamp(ms: number): string {
    return formatTimestamp(ms, this.rng.int(1_000_000));
  }

  itemUsage(input: ItemUsageInput): TimedEvent<ItemUsage> {
    const raw = {
      uuid: this.upperId(),
      timestamp: this.timestamp(input.timeMs),
      used_version: input.usedVersion,
      vault_uuid: input.vaultId,
      item_uuid: input.itemId,
    } as ItemUsage;
    if (input.action !== undefined) raw.action = input.action;
    raw.user = input.user;
    raw.client = input.client;
    if (input.location !== undefined) raw.location = input.location;
    raw.account_uuid = this.accountUuid;
    return { raw, timeMs: input.timeMs, availableAt: input.availableAt };
  }

  signIn(input: SignInInput): TimedEvent<SignInAttempt> {
    const raw = {
      uuid: this.upperId(),
      session_uuid: input.sessionUuid,
      timestamp: this.timestamp(input.timeMs),
      category: input.category,
      type: input.type,
      country: input.country,
      details: input.details,
      target_user: input.user,
      client: input.client,
    } as SignInAttempt;
    if (input.location !== undefined) raw.location = input.location;
    raw.account_uuid = this.accountUuid;
    return { raw, timeMs: input.timeMs, availableAt: input.availableAt };
  }

  audit(input: AuditInput): TimedEvent<AuditEvent> {
    const raw = {
      uuid: this.upperId(),
      timestamp: this.timestamp(input.timeMs),
      actor_uuid: input.actor.uuid,
      actor_details: input.actor,
      action: input.action,
      object_type: input.objectType,
      object_uuid: input.objectUuid,
    } as AuditEvent;
    if (input.objectDetails !== undefined) raw.object_details = input.objectDetails;
    if (input.auxId !== undefined) raw.aux_id = input.auxId;
    if (input.auxUuid !== undefined) raw.aux_uuid = input.auxUuid;
    if (input.auxDetails !== undefined) raw.aux_details = input.auxDetails;
    if (input.auxInfo !== undefined) raw.aux_info = input.auxInfo;
    raw.session = input.session;
    if (input.location !== undefined) raw.location = input.location;
    raw.actor_type = 'user';
    raw.account_uuid = this.accountUuid;
    return { raw, timeMs: input.timeMs, availableAt: input.availableAt };
  }

  connect(input: ConnectInput): TimedEvent<ApiRequest> {
    const raw: ApiRequest = {
      requestId: this.uuid(),
      timestamp: this.timestamp(input.timeMs),
      action: input.action,
      result: input.result,
      actor: input.actor,
      resource: input.resource,
    };
    return { raw, timeMs: input.timeMs, availableAt: input.availableAt };
  }
}

/** Prompt delivery (Events API streams other than item usage, Connect): 1 to 20 seconds. */
export function promptDelay(rng: Rng): number {
  return 1000 + rng.int(19_000);
}

/**
 * Item usage delivery. Clients report usage when they sync, so a share arrives late: most within
 * the hour, some hours later, a few up to a day (the late tail the Panther docs describe).
 */
export function itemUsageDelay(rng: Rng, lateProbability: number): number {
  if (!rng.chance(lateProbability)) return 1000 + rng.int(29_000);
  const r = rng.next();
  if (r < 0.7) return Math.round(rng.logUniform(2 * MINUTE, HOUR));
  if (r < 0.95) return Math.round(rng.logUniform(HOUR, 6 * HOUR));
  return Math.round(rng.logUniform(6 * HOUR, DAY));
}

export function sortByTime<T>(events: TimedEvent<T>[]): TimedEvent<T>[] {
  return events.sort((a, b) => a.timeMs - b.timeMs);
}
