import { createHmac } from 'node:crypto';

import {
  CONNECT_TOKEN_NAMES,
  CONNECT_USER_AGENTS,
  FIRST_NAMES,
  LAST_NAMES,
  makeClientTemplate,
  type ClientKind,
  type ClientTemplate,
  type OsFamily,
} from './catalog';
import { ATTACKER_CITY_NAMES, CITIES, distanceKm, HOME_CITY_WEIGHTS, type City } from './cities';
import { DAY, EventFactory, MINUTE, POPULATION_SLOT } from './event-factory';
import { hashSeed, Rng } from './prng';
import type {
  ConnectActor,
  ConnectResource,
  OpClient,
  OpLocation,
  OpUser,
  ScenarioConnectServer,
  ScenarioConnectToken,
  ScenarioUser,
} from './types';

/** Days of history before which benign first trips happen (a detector's usual learning period). */
export const LEARNING_DAYS = 14;

export interface ItemModel {
  readonly id: string;
  readonly vaultId: string;
  readonly version: number;
}

export interface VaultModel {
  readonly id: string;
  readonly items: readonly ItemModel[];
}

/** One place a user can be: the shared location objects and the IPs used there. */
export interface Place {
  readonly city: City;
  readonly offsetMs: number;
  /** ISO country code form, and the full-name form some real events carry. */
  readonly location: OpLocation;
  readonly locationByName: OpLocation;
  readonly workIp: string;
  readonly homeIp: string;
}

export interface ClientModel {
  readonly template: ClientTemplate;
  readonly kind: ClientKind;
  readonly deviceUuid: string;
  /** Client object per IP, built once and shared by every event. */
  readonly byIp: Map<string, OpClient>;
}

export interface TripModel {
  readonly place: Place;
  /**
   * Day indices. [depart, arrive) and [leave, back] are spent travelling (no activity at all);
   * [arrive, leave) at the destination. Long-haul trips take two travel days each way.
   */
  readonly depart: number;
  readonly arrive: number;
  readonly leave: number;
  readonly back: number;
  /** The first visit to this country: its first day is always active, so the visit is seen. */
  readonly firstVisit: boolean;
}

export interface Blackout {
  readonly from: number;
  readonly to: number;
}

export interface UserModel {
  readonly index: number;
  readonly op: OpUser;
  readonly role: 'member' | 'admin' | 'owner';
  readonly home: Place;
  readonly workStartMin: number;
  readonly workEndMin: number;
  readonly worksWeekends: boolean;
  readonly remote: boolean;
  readonly developer: boolean;
  readonly usesMfa: boolean;
  readonly clients: readonly ClientModel[];
  readonly rates: Readonly<Record<string, number>>;
  readonly vaults: readonly string[];
  readonly items: readonly ItemModel[];
  readonly travelCities: readonly City[];
  readonly trips: readonly TripModel[];
  /** Filled by the attack planner: benign activity is suppressed in these intervals. */
  readonly blackouts: Blackout[];
}

export interface ConnectTokenModel {
  readonly public: ScenarioConnectToken;
  readonly actor: ConnectActor;
  readonly vaultIds: readonly string[];
  readonly itemResources: readonly ConnectResource[];
  readonly vaultResources: readonly ConnectResource[];
  /** Minutes between polls, and whether it also writes. */
  readonly periodMin: number;
  readonly writer: boolean;
  /** A deploy job: reads every item of its vaults once a day at this UTC hour (else null). */
  readonly deployHour: number | null;
  readonly deployResources: readonly ConnectResource[];
}

export interface Population {
  readonly accountUuid: string;
  readonly users: readonly UserModel[];
  readonly vaults: readonly VaultModel[];
  readonly groups: readonly string[];
  readonly connectServers: readonly ScenarioConnectServer[];
  readonly connectTokens: readonly ConnectTokenModel[];
  readonly placeOf: (city: City, ipSalt: number) => Place;
  readonly attackerPlaces: readonly Place[];
}

export interface PopulationOptions {
  seed: number | string;
  startMs: number;
  days: number;
  users: number;
  connectServers: number;
  connectTokens: number;
  accountUuid: string | undefined;
  emailDomain: string;
}

/** The user who reveals all day long (an operator): their ordinary hour is not a spike. */
export const HEAVY_REVEALER = 3;

const ITEM_ACTION_RATES: Record<string, number> = {
  fill: 12,
  'secure-copy': 6,
  reveal: 2.5,
  'enter-item-edit-mode': 0.8,
  share: 0.05,
  export: 0.02,
};

const DEVELOPER_RATES: Record<string, number> = {
  'server-fetch': 8,
  'server-update': 0.3,
  'server-create': 0.1,
};

// Public-looking first octets (no private, loopback, multicast or documentation ranges).
const FIRST_OCTETS = [23, 31, 37, 45, 51, 62, 77, 81, 89, 91, 94, 103, 109, 128, 144, 151, 176];

function freeze<T extends object>(value: T): Readonly<T> {
  return Object.freeze(value);
}

export function buildPopulation(options: PopulationOptions): Population {
  const rng = Rng.from(options.seed, 'population');
  const ids = new EventFactory('', POPULATION_SLOT, rng.fork('ids'));
  const accountUuid = options.accountUuid ?? ids.upperId();

  const places = new Map<string, Place>();
  const cityBlocks = CITIES.map((_, i) => {
    const r = Rng.from(options.seed, 'ip-block', i);
    return {
      work: `${FIRST_OCTETS[i % FIRST_OCTETS.length]}.${r.range(1, 254)}.${r.range(0, 255)}.`,
      home: `${FIRST_OCTETS[(i + 7) % FIRST_OCTETS.length]}.${r.range(1, 254)}.`,
    };
  });
  const placeOf = (city: City, ipSalt: number): Place => {
    const key = `${city.name}|${ipSalt}`;
    const cached = places.get(key);
    if (cached) return cached;
    const index = CITIES.indexOf(city);
    if (index < 0) throw new RangeError(`city ${city.name} not in the table`);
    const block = cityBlocks[index];
    const r = new Rng(hashSeed(options.seed, 'ip', key));
    const location: OpLocation = freeze({
      country: city.country,
      region: city.region,
      city: city.name,
      latitude: city.latitude,
      longitude: city.longitude,
    });
    const place: Place = {
      city,
      offsetMs: city.utcOffsetMinutes * MINUTE,
      location,
      locationByName: freeze({ ...location, country: city.countryName }),
      // Offices egress through a handful of addresses; homes have their own.
      workIp: `${block.work}${10 + (ipSalt % 4)}`,
      homeIp: `${block.home}${r.range(0, 255)}.${r.range(1, 254)}`,
    };
    places.set(key, place);
    return place;
  };

  // Vaults and their items: a few shared vaults plus one per team of about eight people.
  const vaultCount = Math.min(400, 5 + Math.ceil(options.users / 8));
  const vaults: VaultModel[] = [];
  for (let v = 0; v < vaultCount; v++) {
    const vaultId = ids.lowerId();
    const items: ItemModel[] = [];
    const n = rng.range(20, 120);
    for (let i = 0; i < n; i++) {
      items.push(freeze({ id: ids.lowerId(), vaultId, version: rng.range(1, 12) }));
    }
    vaults.push(freeze({ id: vaultId, items }));
  }
  const groups = Array.from({ length: 4 + Math.ceil(options.users / 50) }, () => ids.upperId());

  const homeCities = CITIES.filter((c) => HOME_CITY_WEIGHTS.has(c.name));
  const homeWeights = homeCities.map((c) => HOME_CITY_WEIGHTS.get(c.name) ?? 0);
  const travelCandidates = CITIES.filter((c) => !ATTACKER_CITY_NAMES.includes(c.name));
  const usedEmails = new Set<string>();
  const users: UserModel[] = [];

  for (let u = 0; u < options.users; u++) {
    const ur = rng.fork(`user-${u}`);
    const first = ur.pick(FIRST_NAMES);
    const last = ur.pick(LAST_NAMES);
    let email = `${first}.${last}@${options.emailDomain}`.toLowerCase();
    for (let k = 2; usedEmails.has(email); k++) {
      email = `${first}.${last}${k}@${options.emailDomain}`.toLowerCase();
    }
    usedEmails.add(email);
    const op: OpUser = freeze({ uuid: ids.upperId(), name: `${first} ${last}`, email });
    const role = u === 0 ? 'owner' : u % 25 === 1 ? 'admin' : 'member';
    const homeCity = homeCities[ur.weightedIndex(homeWeights)];
    const home = placeOf(homeCity, ur.int(1 << 20));
    const developer = ur.chance(0.3);
    const os: OsFamily = developer
      ? ur.pick<OsFamily>(['mac', 'mac', 'linux', 'windows'])
      : ur.pick<OsFamily>(['mac', 'windows', 'windows']);
    const kinds: ClientKind[] = ur.chance(0.85) ? ['extension', 'desktop'] : ['desktop'];
    if (ur.chance(0.4)) kinds.push('mobile');
    if (developer) kinds.push('cli');
    if (kinds.length > 3) kinds.splice(1, 1); // at most three clients: drop the desktop app
    const clients: ClientModel[] = kinds.map((kind) => ({
      template: makeClientTemplate(kind, os, (items) => ur.pick(items)),
      kind,
      deviceUuid: ids.lowerId(),
      byIp: new Map<string, OpClient>(),
    }));

    const rates: Record<string, number> = {};
    const scale = Math.exp(ur.normal() * 0.45); // some people use 1Password a lot more
    for (const [action, rate] of Object.entries(ITEM_ACTION_RATES)) {
      rates[action] = rate * scale * Math.exp(ur.normal() * 0.3);
    }
    if (developer) {
      for (const [action, rate] of Object.entries(DEVELOPER_RATES)) {
        rates[action] = rate * Math.exp(ur.normal() * 0.4);
      }
    }
    if (ur.chance(0.2)) rates['select-sso-provider'] = 0.6;

    const vaultPicks = ur.sample(vaults, ur.range(2, Math.min(6, vaults.length)));
    const pool = vaultPicks.flatMap((v) => v.items);
    let items = ur.sample(pool, ur.range(15, 80));
    if (u === HEAVY_REVEALER) {
      // About 25 reveals in each working hour, of the dozen secrets the job needs.
      rates.reveal = 230;
      items = items.slice(0, 12);
    }

    const workStartMin = ur.range(7 * 60, 10 * 60);
    const travel = planTrips(home.city, ur, options.days, travelCandidates, placeOf);
    users.push({
      index: u,
      op,
      role,
      home,
      workStartMin,
      workEndMin: workStartMin + ur.range(7 * 60 + 30, 9 * 60 + 30),
      worksWeekends: ur.chance(0.08),
      remote: ur.chance(0.3),
      developer,
      usesMfa: ur.chance(0.6),
      clients,
      rates,
      vaults: vaultPicks.map((v) => v.id),
      items,
      travelCities: travel.cities,
      trips: travel.trips,
      blackouts: [],
    });
  }

  const connectServers: ScenarioConnectServer[] = Array.from(
    { length: options.connectServers },
    (_, i) => ({ id: ids.lowerId(), name: i === 0 ? 'connect-prod' : `connect-${i + 1}` }),
  );
  const connectTokens: ConnectTokenModel[] = [];
  for (let t = 0; t < options.connectTokens; t++) {
    const tr = rng.fork(`token-${t}`);
    const server = connectServers.at(t % Math.max(1, connectServers.length));
    if (!server) throw new RangeError('Connect tokens need at least one Connect server');
    const jti = ids.lowerId();
    const name = `${CONNECT_TOKEN_NAMES[t % CONNECT_TOKEN_NAMES.length]}${
      t >= CONNECT_TOKEN_NAMES.length ? `-${Math.floor(t / CONNECT_TOKEN_NAMES.length) + 1}` : ''
    }`;
    const userAgent = CONNECT_USER_AGENTS[t % CONNECT_USER_AGENTS.length];
    const ip = `10.${tr.range(0, 40)}.${tr.range(0, 255)}.${tr.range(2, 250)}`;
    const tokenVaults = tr.sample(vaults, tr.range(1, Math.min(3, vaults.length)));
    const vaultIds = tokenVaults.map((v) => v.id);
    // At most 40 distinct items: even a deploy burst stays under mass-read thresholds.
    const tokenItems = tr.sample(
      tokenVaults.flatMap((v) => v.items),
      tr.range(8, 40),
    );
    const actor: ConnectActor = freeze({
      id: server.id,
      account: accountUuid,
      jti,
      userAgent,
      requestIp: ip,
    });
    const token = connectJwt(options.seed, {
      serverId: server.id,
      jti,
      accountUuid,
      vaults: vaultIds,
      iat: Math.floor(options.startMs / 1000) - 86400 * tr.range(30, 400),
    });
    connectTokens.push({
      public: {
        jti,
        name,
        serverId: server.id,
        token,
        userAgent,
        ip,
        vaults: vaultIds,
        itemCount: tokenItems.length,
      },
      actor,
      vaultIds,
      itemResources: tokenItems.map((item) =>
        freeze({
          type: 'ITEM' as const,
          vault: freeze({ id: item.vaultId }),
          item: freeze({ id: item.id }),
          itemVersion: item.version,
        }),
      ),
      vaultResources: vaultIds.map((id) =>
        freeze({ type: 'VAULT' as const, vault: freeze({ id }) }),
      ),
      periodMin: tr.range(4, 20),
      writer: name.startsWith('terraform') || name.startsWith('ansible'),
      // The first token is a deploy job: its daily burst of every secret is routine.
      deployHour: t === 0 ? 2 : null,
      deployResources:
        t === 0
          ? tokenVaults.flatMap((v) =>
              v.items.map((item) =>
                freeze({
                  type: 'ITEM' as const,
                  vault: freeze({ id: item.vaultId }),
                  item: freeze({ id: item.id }),
                  itemVersion: item.version,
                }),
              ),
            )
          : [],
    });
  }

  const attackerPlaces = ATTACKER_CITY_NAMES.map((name, i) => {
    const city = CITIES.find((c) => c.name === name);
    if (!city) throw new RangeError(`unknown attacker city ${name}`);
    return placeOf(city, 9000 + i);
  });

  return {
    accountUuid,
    users,
    vaults,
    groups,
    connectServers,
    connectTokens,
    placeOf,
    attackerPlaces,
  };
}

/**
 * About one user in seven travels. Every destination is first visited inside the learning
 * period, so later trips only go to countries already in the user's history (benign travel).
 */
function planTrips(
  homeCity: City,
  rng: Rng,
  days: number,
  candidates: readonly City[],
  placeOf: (city: City, salt: number) => Place,
): { cities: City[]; trips: TripModel[] } {
  const trips: TripModel[] = [];
  if (days < LEARNING_DAYS + 4 || !rng.chance(0.15)) return { cities: [], trips };
  const homeCountry = homeCity.country;
  const destinations = rng
    .sample(
      candidates.filter((c) => c.country !== homeCountry && distanceKm(c, homeCity) > 800),
      rng.range(1, 2),
    )
    .filter((c, i, all) => all.findIndex((o) => o.country === c.country) === i);
  let day = rng.range(1, 3);
  // First visits, all inside the learning period.
  for (const city of destinations) {
    const trip = makeTrip(homeCity, city, day, rng, placeOf, true);
    if (trip.back >= LEARNING_DAYS - 1) break;
    trips.push(trip);
    day = trip.back + rng.range(2, 4);
  }
  const visited = trips.map((t) => t.place.city);
  // Later trips: back to a destination already visited.
  day = Math.max(day, LEARNING_DAYS + rng.range(1, 6));
  while (visited.length > 0 && rng.chance(0.6)) {
    const trip = makeTrip(homeCity, rng.pick(visited), day, rng, placeOf, false);
    if (trip.back >= days - 1) break;
    trips.push(trip);
    day = trip.back + rng.range(4, 12);
  }
  return { cities: visited, trips };
}

function makeTrip(
  homeCity: City,
  city: City,
  depart: number,
  rng: Rng,
  placeOf: (city: City, salt: number) => Place,
  firstVisit: boolean,
): TripModel {
  // Long-haul flights get an extra travel day so consecutive events never look impossible.
  const transitDays = distanceKm(homeCity, city) > 6000 ? 2 : 1;
  const arrive = depart + transitDays;
  const leave = arrive + rng.range(2, 4);
  return {
    place: placeOf(city, rng.int(1 << 20)),
    depart,
    arrive,
    leave,
    back: leave + transitDays - 1,
    firstVisit,
  };
}

/** Where the user is on a day: at home, travelling (no activity), or at a trip's destination. */
export function placeOnDay(user: UserModel, day: number): Place | null {
  const trip = tripOnDay(user, day);
  if (!trip) return user.home;
  return day >= trip.arrive && day < trip.leave ? trip.place : null;
}

export function tripOnDay(user: UserModel, day: number): TripModel | undefined {
  return user.trips.find((trip) => day >= trip.depart && day <= trip.back);
}

export function clientFor(client: ClientModel, ip: string): OpClient {
  let value = client.byIp.get(ip);
  if (!value) {
    const t = client.template;
    value = Object.freeze({
      app_name: t.app_name,
      app_version: t.app_version,
      platform_name: t.platform_name,
      platform_version: t.platform_version,
      os_name: t.os_name,
      os_version: t.os_version,
      ip_address: ip,
    });
    client.byIp.set(ip, value);
  }
  return value;
}

export function publicUser(user: UserModel, startMs: number): ScenarioUser {
  const city = user.home.city;
  return {
    uuid: user.op.uuid,
    name: user.op.name,
    email: user.op.email,
    role: user.role,
    home: {
      name: city.name,
      region: city.region,
      country: city.country,
      countryName: city.countryName,
      latitude: city.latitude,
      longitude: city.longitude,
    },
    utcOffsetMinutes: city.utcOffsetMinutes,
    workHours: { start: user.workStartMin / 60, end: user.workEndMin / 60 },
    worksWeekends: user.worksWeekends,
    clients: user.clients.map((c) => ({
      app_name: c.template.app_name,
      app_version: c.template.app_version,
      platform_name: c.template.platform_name,
      platform_version: c.template.platform_version,
      os_name: c.template.os_name,
      os_version: c.template.os_version,
      deviceUuid: c.deviceUuid,
    })),
    ips: [user.home.workIp, user.home.homeIp],
    dailyRates: Object.fromEntries(
      Object.entries(user.rates).map(([k, v]) => [k, Math.round(v * 100) / 100]),
    ),
    vaults: [...user.vaults],
    itemCount: user.items.length,
    travelCountries: user.travelCities.map((c) => c.country),
    trips: user.trips.map((t) => ({
      city: t.place.city.name,
      country: t.place.city.country,
      from: new Date(startMs + t.depart * DAY).toISOString(),
      to: new Date(startMs + (t.back + 1) * DAY).toISOString(),
    })),
  };
}

function base64url(value: string | Buffer): string {
  return Buffer.from(value).toString('base64url');
}

/**
 * A Connect access token shaped like the real one (ES256 JWT with the claims third-party fixtures
 * show). The signature is an HMAC over the seed: opaque bytes, but reproducible.
 */
export function connectJwt(
  seed: number | string,
  claims: { serverId: string; jti: string; accountUuid: string; vaults: string[]; iat: number },
): string {
  const header = base64url(JSON.stringify({ alg: 'ES256', kid: claims.serverId, typ: 'JWT' }));
  const payload = base64url(
    JSON.stringify({
      '1password.com/auuid': claims.accountUuid,
      '1password.com/token': claims.jti.slice(0, 16),
      '1password.com/fts': ['vaultaccess'],
      '1password.com/vts': claims.vaults.map((u) => ({ u, a: 16 })),
      aud: ['com.1password.connect'],
      sub: claims.serverId,
      iat: claims.iat,
      iss: 'com.1password.b5',
      jti: claims.jti,
    }),
  );
  const signature = hmac(`${String(seed)}|connect`, `${header}.${payload}`);
  return `${header}.${payload}.${signature}`;
}

function hmac(key: string, data: string): string {
  return createHmac('sha256', key).update(data).digest('base64url');
}
