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

// One code array per output length (20 = no fraction, 22..30 = 1..9 digits): String.fromCharCode
// over an exact-length array yields one flat string, with no slices or concatenations kept alive.
const TS_BUFFERS: number[][] = Array.from({ length: 31 }, (_, n) => new Array<number>(n).fill(0));
const tsDigits: number[] = new Array<number>(9).fill(0);
let cachedDay = Number.NaN;
const dayCodes: number[] = new Array<number>(11).fill(0);

/**
 * Go's RFC3339Nano, as the 1Password servers print times: up to 9 fractional digits, trailing
 * zeros trimmed, no fraction at all when it is zero. The date part is cached per UTC day.
 */
export function formatTimestamp(ms: number, subMsNanos: number): string {
  const day = Math.floor(ms / DAY);
  if (day !== cachedDay) {
    const iso = new Date(day * DAY).toISOString(); // YYYY-MM-DDT...
    for (let i = 0; i < 11; i++) dayCodes[i] = iso.charCodeAt(i);
    cachedDay = day;
  }
  let rest = ms - day * DAY;
  const milli = rest % 1000;
  rest = (rest - milli) / 1000;
  const sec = rest % 60;
  rest = (rest - sec) / 60;
  const min = rest % 60;
  const hour = (rest - min) / 60;
  tsDigits[0] = Math.floor(milli / 100);
  tsDigits[1] = Math.floor(milli / 10) % 10;
  tsDigits[2] = milli % 10;
  let nanos = subMsNanos;
  for (let i = 8; i >= 3; i--) {
    tsDigits[i] = nanos % 10;
    nanos = Math.floor(nanos / 10);
  }
  let digits = 9;
  while (digits > 0 && tsDigits[digits - 1] === 0) digits--;
  const out = TS_BUFFERS[digits === 0 ? 20 : 21 + digits];
  for (let i = 0; i < 11; i++) out[i] = dayCodes[i];
  out[11] = 48 + Math.floor(hour / 10);
  out[12] = 48 + (hour % 10);
  out[13] = 58; // ':'
  out[14] = 48 + Math.floor(min / 10);
  out[15] = 48 + (min % 10);
  out[16] = 58;
  out[17] = 48 + Math.floor(sec / 10);
  out[18] = 48 + (sec % 10);
  if (digits > 0) {
    out[19] = 46; // '.'
    for (let i = 0; i < digits; i++) out[20 + i] = 48 + tsDigits[i];
  }
  out[out.length - 1] = 90; // 'Z'
  return String.fromCharCode.apply(null, out);
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
    const uuid = this.upperId();
    const timestamp = this.timestamp(input.timeMs);
    let raw: ItemUsage;
    if (input.action !== undefined && input.location !== undefined) {
      // One literal for the common shape: all properties in-object, one hidden class.
      raw = {
        uuid,
        timestamp,
        used_version: input.usedVersion,
        vault_uuid: input.vaultId,
        item_uuid: input.itemId,
        action: input.action,
        user: input.user,
        client: input.client,
        location: input.location,
        account_uuid: this.accountUuid,
      };
    } else {
      raw = {
        uuid,
        timestamp,
        used_version: input.usedVersion,
        vault_uuid: input.vaultId,
        item_uuid: input.itemId,
      } as ItemUsage;
      if (input.action !== undefined) raw.action = input.action;
      raw.user = input.user;
      raw.client = input.client;
      if (input.location !== undefined) raw.location = input.location;
      raw.account_uuid = this.accountUuid;
    }
    return { raw, timeMs: input.timeMs, availableAt: input.availableAt };
  }

  signIn(input: SignInInput): TimedEvent<SignInAttempt> {
    const uuid = this.upperId();
    const timestamp = this.timestamp(input.timeMs);
    const raw: SignInAttempt =
      input.location !== undefined
        ? {
            uuid,
            session_uuid: input.sessionUuid,
            timestamp,
            category: input.category,
            type: input.type,
            country: input.country,
            details: input.details,
            target_user: input.user,
            client: input.client,
            location: input.location,
            account_uuid: this.accountUuid,
          }
        : {
            uuid,
            session_uuid: input.sessionUuid,
            timestamp,
            category: input.category,
            type: input.type,
            country: input.country,
            details: input.details,
            target_user: input.user,
            client: input.client,
            account_uuid: this.accountUuid,
          };
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

/**
 * Stable sort by event time in linear time: a counting sort into about 2n time buckets, then an
 * insertion sort that only moves events within their bucket. A comparison sort spends most of
 * its time in the comparator on a million events.
 */
export function sortByTime<T>(events: TimedEvent<T>[]): TimedEvent<T>[] {
  const n = events.length;
  if (n < 256) return events.sort((a, b) => a.timeMs - b.timeMs);
  let min = Infinity;
  let max = -Infinity;
  for (const e of events) {
    if (e.timeMs < min) min = e.timeMs;
    if (e.timeMs > max) max = e.timeMs;
  }
  const bucketCount = Math.min(2 * n, 1 << 24);
  const width = (max - min) / bucketCount + 1e-9;
  const keys = new Uint32Array(n);
  const counts = new Uint32Array(bucketCount + 1);
  for (let i = 0; i < n; i++) {
    const k = Math.min(bucketCount - 1, Math.floor((events[i].timeMs - min) / width));
    keys[i] = k;
    counts[k + 1] = counts[k + 1] + 1;
  }
  for (let k = 1; k <= bucketCount; k++) counts[k] = counts[k] + counts[k - 1];
  const out = new Array<TimedEvent<T>>(n);
  for (let i = 0; i < n; i++) {
    const k = keys[i];
    out[counts[k]] = events[i];
    counts[k] = counts[k] + 1;
  }
  for (let i = 1; i < n; i++) {
    const e = out[i];
    let j = i - 1;
    while (j >= 0 && out[j].timeMs > e.timeMs) {
      out[j + 1] = out[j];
      j--;
    }
    out[j + 1] = e;
  }
  for (let i = 0; i < n; i++) events[i] = out[i];
  return events;
}
