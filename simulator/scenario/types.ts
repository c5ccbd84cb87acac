/**
 * Raw event shapes exactly as the 1Password Events API (v2) and Connect `/v1/activity` serve
 * them, plus the scenario's own bookkeeping types. Optional fields are optional because real
 * data omits them (old clients send no action or location).
 */

export interface OpUser {
  uuid: string;
  name: string;
  email: string;
}

export interface OpClient {
  app_name: string;
  app_version: string;
  platform_name: string;
  platform_version: string;
  os_name: string;
  os_version: string;
  ip_address: string;
}

export interface OpLocation {
  /** ISO 3166-1 alpha-2 most of the time, sometimes the English name (as in real samples). */
  country: string;
  region: string;
  city: string;
  latitude: number;
  longitude: number;
}

export interface ItemUsage {
  uuid: string;
  timestamp: string;
  used_version: number;
  vault_uuid: string;
  item_uuid: string;
  action?: string;
  user: OpUser;
  client: OpClient;
  location?: OpLocation;
  account_uuid: string;
}

export interface SignInAttempt {
  uuid: string;
  session_uuid: string;
  timestamp: string;
  category: string;
  type: string;
  country: string;
  details: { value: string } | null;
  target_user: OpUser;
  client: OpClient;
  location?: OpLocation;
  account_uuid: string;
}

export interface AuditSession {
  uuid: string;
  login_time: string;
  device_uuid: string;
  ip: string;
}

export interface AuditEvent {
  uuid: string;
  timestamp: string;
  actor_uuid: string;
  actor_details: OpUser;
  action: string;
  object_type: string;
  object_uuid: string;
  object_details?: OpUser;
  aux_id?: number;
  aux_uuid?: string;
  aux_details?: OpUser;
  aux_info?: string;
  session: AuditSession;
  location?: OpLocation;
  actor_type: string;
  account_uuid: string;
}

export interface ConnectActor {
  id: string;
  account: string;
  jti: string;
  userAgent: string;
  requestIp: string;
}

export interface ConnectResource {
  type: 'ITEM' | 'VAULT';
  vault: { id: string };
  item?: { id: string };
  itemVersion?: number;
}

/** Connect `APIRequest` in the spec spelling (`requestId`, `actor.requestIp`). */
export interface ApiRequest {
  requestId: string;
  timestamp: string;
  action: string;
  result: string;
  actor: ConnectActor;
  resource: ConnectResource;
}

/**
 * One event with the two times the fakes need: `timeMs` is the event's own time (its
 * `timestamp`, to the millisecond) and `availableAt` is when the API first serves it.
 */
export interface TimedEvent<T> {
  raw: T;
  timeMs: number;
  availableAt: number;
}

export type EventsStream = 'itemusages' | 'signinattempts' | 'auditevents';

export const ATTACK_KINDS = [
  'bulk_export',
  'new_country_reveal',
  'connect_deny_burst',
  'impossible_travel',
  'reveal_spike',
  'signin_brute_force',
  'password_spray',
  'mfa_disabled',
  'vault_export',
] as const;
export type AttackKind = (typeof ATTACK_KINDS)[number];

/** Built-in rule (template id) each attack is meant to trip; one place to rename them. */
export const EXPECTED_RULES: Readonly<Record<AttackKind, string>> = {
  bulk_export: 'op.item.bulk_export',
  new_country_reveal: 'op.item.new_country_reveal',
  connect_deny_burst: 'op.connect.deny_burst',
  impossible_travel: 'op.signin.impossible_travel',
  reveal_spike: 'op.item.reveal_spike',
  signin_brute_force: 'op.signin.failed_burst.user',
  password_spray: 'op.signin.password_spray.ip',
  mfa_disabled: 'op.audit.account_mfa_disabled',
  vault_export: 'op.audit.vault_export',
};

export type LabelStream = 'item_usage' | 'signin_attempt' | 'audit_event' | 'connect_activity';

export interface AttackLabel {
  kind: AttackKind;
  /** User uuid, Connect token jti, or (password spray) the source IP. */
  actor: string;
  actorType: 'user' | 'connect_token' | 'ip';
  stream: LabelStream;
  /** ISO times of the first and last injected event. */
  start: string;
  end: string;
  /** Event uuids (Connect: requestIds) of every injected event, in time order. */
  eventUuids: string[];
  expectedRule: string;
  description: string;
}

export interface AttackSpec {
  kind: AttackKind;
  /** When the attack starts; default: a seeded time inside the attack window. */
  at?: Date;
  /** User uuid or token jti to use as victim/actor; default: a seeded choice. */
  actor?: string;
  /** Serve the attack's item usages this late (tests late-arrival detection). Default 0. */
  lateByMs?: number;
}

export interface RateMultipliers {
  itemUsages?: number;
  signInAttempts?: number;
  auditEvents?: number;
  connectActivity?: number;
}

export interface ScenarioOptions {
  seed: number | string;
  /** Default 2025-03-03T00:00:00Z (a Monday), fixed so output never depends on today. */
  start?: Date;
  /** Exclusive end; default start + days. */
  end?: Date;
  /** Used when `end` is absent; default 30. */
  days?: number;
  /** Default 50. */
  users?: number;
  /** Default 1. */
  connectServers?: number;
  /** Default 3 (spread over the servers). */
  connectTokens?: number;
  /** Default: derived from the seed (26 upper-case base32). */
  accountUuid?: string;
  /** Default: one of each kind. Pass [] for a quiet tenant. */
  attacks?: ReadonlyArray<AttackKind | AttackSpec>;
  /** Default: after day 21 when the span is >= 22 days, else the last 30%. */
  attackWindow?: { start: Date; end: Date };
  rates?: RateMultipliers;
  /** Share of item usages served late (minutes to a day). Default 0.08. */
  lateItemUsageFraction?: number;
  /** Company email domain. Default 'acme.example'. */
  emailDomain?: string;
}

export interface ScenarioCity {
  name: string;
  region: string;
  country: string;
  countryName: string;
  latitude: number;
  longitude: number;
}

export interface ScenarioClient {
  app_name: string;
  app_version: string;
  platform_name: string;
  platform_version: string;
  os_name: string;
  os_version: string;
  deviceUuid: string;
}

export interface ScenarioTrip {
  city: string;
  country: string;
  /** ISO date-times: the user's first and last day at the destination. */
  from: string;
  to: string;
}

export interface ScenarioUser {
  uuid: string;
  name: string;
  email: string;
  role: 'member' | 'admin' | 'owner';
  home: ScenarioCity;
  utcOffsetMinutes: number;
  workHours: { start: number; end: number };
  worksWeekends: boolean;
  clients: ScenarioClient[];
  ips: string[];
  /** Mean events per working day, per item-usage action. */
  dailyRates: Record<string, number>;
  vaults: string[];
  itemCount: number;
  /** Countries of planned trips (benign travel), first trip inside the learning period. */
  travelCountries: string[];
  trips: ScenarioTrip[];
}

export interface ScenarioConnectServer {
  id: string;
  name: string;
}

export interface ScenarioConnectToken {
  jti: string;
  name: string;
  serverId: string;
  /** JWT-shaped bearer token (the fake Connect server accepts it). */
  token: string;
  userAgent: string;
  ip: string;
  vaults: string[];
  itemCount: number;
}

export interface ScenarioMeta {
  seed: number | string;
  start: string;
  end: string;
  days: number;
  accountUuid: string;
  attackWindow: { start: string; end: string };
}

export interface ScenarioDay {
  /** Day index from the scenario start (0-based). */
  day: number;
  itemUsages: TimedEvent<ItemUsage>[];
  signInAttempts: TimedEvent<SignInAttempt>[];
  auditEvents: TimedEvent<AuditEvent>[];
  connectActivity: TimedEvent<ApiRequest>[];
}

export interface Scenario {
  meta: ScenarioMeta;
  users: ScenarioUser[];
  connectServers: ScenarioConnectServer[];
  connectTokens: ScenarioConnectToken[];
  labels: AttackLabel[];
  /** Each stream in event-time order. */
  itemUsages: TimedEvent<ItemUsage>[];
  signInAttempts: TimedEvent<SignInAttempt>[];
  auditEvents: TimedEvent<AuditEvent>[];
  connectActivity: TimedEvent<ApiRequest>[];
}
