import type { ClientKind } from './catalog';
import { DAY, EventFactory, HOUR, itemUsageDelay, MINUTE, promptDelay } from './event-factory';
import {
  clientFor,
  placeOnDay,
  tripOnDay,
  type ClientModel,
  type ConnectTokenModel,
  type Population,
  type UserModel,
} from './population';
import { Rng } from './prng';
import type {
  AuditSession,
  ConnectResource,
  OpLocation,
  OpUser,
  RateMultipliers,
  ScenarioDay,
} from './types';

export interface DayContext {
  seed: number | string;
  startMs: number;
  endMs: number;
  population: Population;
  rates: Required<RateMultipliers>;
  lateItemUsageFraction: number;
}

/** Which client kinds perform an action, most likely first. */
const ACTION_CLIENTS: Partial<Record<string, readonly ClientKind[]>> = {
  fill: ['extension', 'mobile', 'desktop'],
  'secure-copy': ['desktop', 'extension', 'mobile'],
  reveal: ['desktop', 'extension', 'mobile'],
  'enter-item-edit-mode': ['desktop', 'extension', 'mobile'],
  share: ['desktop', 'extension'],
  export: ['desktop', 'web'],
  'server-fetch': ['cli'],
  'server-update': ['cli'],
  'server-create': ['cli'],
  'select-sso-provider': ['extension', 'web'],
};

const ADMIN_ACTIONS: ReadonlyArray<[action: string, objectType: string, weight: number]> = [
  ['grant', 'uva', 4],
  ['revoke', 'uva', 2],
  ['join', 'gm', 3],
  ['create', 'invite', 2],
  ['update', 'vault', 3],
  ['create', 'vault', 1],
  ['suspend', 'user', 0.3],
  ['reactive', 'user', 0.3],
];
const ADMIN_WEIGHTS = ADMIN_ACTIONS.map((a) => a[2]);

export function pickClient(user: UserModel, action: string, rng: Rng): ClientModel {
  const kinds = ACTION_CLIENTS[action];
  if (kinds) {
    for (const kind of kinds) {
      const match = user.clients.find((c) => c.kind === kind);
      if (match && rng.chance(0.75)) return match;
    }
    for (const kind of kinds) {
      const match = user.clients.find((c) => c.kind === kind);
      if (match) return match;
    }
  }
  return rng.pick(user.clients);
}

function inBlackout(user: UserModel, t: number): boolean {
  for (const b of user.blackouts) if (t >= b.from && t < b.to) return true;
  return false;
}

/** Benign traffic of one scenario day (user days are local calendar days; Connect is UTC). */
export function generateBenignDay(
  ctx: DayContext,
  day: number,
  factory: EventFactory,
  out: ScenarioDay,
): void {
  for (const user of ctx.population.users) userDay(ctx, day, user, factory, out);
  for (const token of ctx.population.connectTokens) connectDay(ctx, day, token, factory, out);
}

function userDay(
  ctx: DayContext,
  day: number,
  user: UserModel,
  factory: EventFactory,
  out: ScenarioDay,
): void {
  const place = placeOnDay(user, day);
  if (!place) return; // on a plane
  const rng = Rng.from(ctx.seed, 'user-day', user.index, day);
  // One stream per event kind: changing one stream's rate leaves the others' draws untouched.
  const itemRng = rng.fork('items');
  const signInRng = rng.fork('sign-ins');
  const auditRng = rng.fork('audit');
  const dayStart = ctx.startMs + day * DAY;
  const localMidnight = dayStart - place.offsetMs;
  const weekday = new Date(dayStart).getUTCDay();
  const weekend = weekday === 0 || weekday === 6;
  let factor = weekend ? (user.worksWeekends ? 0.6 : 0.06) : 1;
  if (!weekend && rng.chance(0.05)) factor = 0; // day off
  const trip = place === user.home ? undefined : tripOnDay(user, day);
  if (trip?.firstVisit && day === trip.arrive) factor = 1; // a first visit always leaves a trace
  if (factor === 0) return;
  const away = place !== user.home;
  const [workStart, workEnd] = weekend ? [10 * 60, 20 * 60] : [user.workStartMin, user.workEndMin];
  const eveningEnd = 23 * 60;

  const sampleTime = (r: Rng): number => {
    const minute =
      r.next() < 0.88 || workEnd >= eveningEnd
        ? r.uniform(workStart, workEnd)
        : r.uniform(workEnd, eveningEnd);
    return Math.floor(localMidnight + minute * MINUTE);
  };
  const accept = (t: number): boolean =>
    t >= ctx.startMs && t < ctx.endMs && (user.blackouts.length === 0 || !inBlackout(user, t));
  const ipAt = (t: number, r: Rng): string => {
    if (away) return place.homeIp; // hotel or rental
    const minute = (t - localMidnight) / MINUTE;
    const atWork = !weekend && minute >= workStart && minute < workEnd;
    return atWork && !user.remote && r.chance(0.85) ? place.workIp : place.homeIp;
  };
  const locationOf = (r: Rng): OpLocation =>
    r.chance(0.97) ? place.location : place.locationByName;

  // Item usages.
  for (const action in user.rates) {
    const n = itemRng.poisson(user.rates[action] * factor * ctx.rates.itemUsages);
    for (let i = 0; i < n; i++) {
      const t = sampleTime(itemRng);
      if (!accept(t)) continue;
      const client = pickClient(user, action, itemRng);
      // Favourites get most of the use: squaring the draw skews towards the front.
      const r = itemRng.next();
      const item = user.items.at(Math.floor(user.items.length * r * r));
      if (!item) continue;
      const late =
        client.kind === 'mobile' ? ctx.lateItemUsageFraction * 3 : ctx.lateItemUsageFraction;
      const quirk = itemRng.next();
      out.itemUsages.push(
        factory.itemUsage({
          timeMs: t,
          availableAt: t + itemUsageDelay(itemRng, late),
          user: user.op,
          // Clients older than 8.4.0 report `other`; some very old ones send no action at all.
          action: quirk < 0.0005 ? undefined : quirk < 0.0025 ? 'other' : action,
          vaultId: item.vaultId,
          itemId: item.id,
          usedVersion: item.version,
          client: clientFor(client, ipAt(t, itemRng)),
          location:
            quirk < 0.0005 || (quirk > 0.9965 && quirk < 0.9995) ? undefined : locationOf(itemRng),
        }),
      );
    }
  }

  // Sign-in attempts: at least one success on a working day, a few more, rare failures.
  const successes = Math.max(
    factor === 1 ? 1 : 0,
    signInRng.poisson(1.3 * factor * ctx.rates.signInAttempts),
  );
  let session: AuditSession | undefined;
  let failures = signInRng.poisson(0.04 * factor * ctx.rates.signInAttempts);
  let mfaFailures = user.usesMfa ? signInRng.poisson(0.01 * factor * ctx.rates.signInAttempts) : 0;
  for (let i = 0; i < successes; i++) {
    const t =
      i === 0
        ? Math.floor(localMidnight + (workStart - signInRng.uniform(0, 20)) * MINUTE)
        : sampleTime(signInRng);
    if (!accept(t)) continue;
    const client = signInRng.pick(user.clients);
    const ip = ipAt(t, signInRng);
    const opClient = clientFor(client, ip);
    const location = locationOf(signInRng);
    const country = signInRng.chance(0.98) ? place.city.country : place.city.countryName;
    while (failures > 0 || mfaFailures > 0) {
      const mfa = failures === 0;
      if (mfa) mfaFailures--;
      else failures--;
      const ft = t - signInRng.range(20_000, 5 * MINUTE);
      if (!accept(ft)) continue;
      out.signInAttempts.push(
        factory.signIn({
          timeMs: ft,
          availableAt: ft + promptDelay(signInRng),
          sessionUuid: factory.upperId(),
          category: mfa ? 'mfa_failed' : 'credentials_failed',
          type: mfa
            ? signInRng.pick(['totp_bad', 'totp_timeout', 'u2f_timeout'])
            : 'password_secret_bad',
          country,
          details: null,
          user: user.op,
          client: opClient,
          location,
        }),
      );
    }
    const sessionUuid = factory.upperId();
    const attempt = factory.signIn({
      timeMs: t,
      availableAt: t + promptDelay(signInRng),
      sessionUuid,
      category: 'success',
      type: user.usesMfa ? 'mfa_ok' : 'credentials_ok',
      country,
      details: null,
      user: user.op,
      client: opClient,
      location,
    });
    out.signInAttempts.push(attempt);
    session ??= Object.freeze({
      uuid: sessionUuid,
      login_time: attempt.raw.timestamp,
      device_uuid: client.deviceUuid,
      ip,
    });
  }

  // Audit events: personal housekeeping, and admin work for admins and owners.
  const personal = auditRng.poisson(0.03 * factor * ctx.rates.auditEvents);
  const admin = user.role === 'member' ? 0 : auditRng.poisson(0.8 * factor * ctx.rates.auditEvents);
  if (personal + admin === 0) return;
  if (!session) {
    const login = Math.floor(localMidnight + workStart * MINUTE);
    const client = auditRng.pick(user.clients);
    session = Object.freeze({
      uuid: factory.upperId(),
      login_time: factory.timestamp(login),
      device_uuid: client.deviceUuid,
      ip: ipAt(login, auditRng),
    });
  }
  for (let i = 0; i < personal + admin; i++) {
    const t = sampleTime(auditRng);
    if (!accept(t)) continue;
    const base = {
      timeMs: t,
      availableAt: t + promptDelay(auditRng),
      actor: user.op,
      session,
      location: locationOf(auditRng),
    };
    if (i < personal) {
      const kind = auditRng.int(3);
      const device = auditRng.pick(user.clients).deviceUuid;
      out.auditEvents.push(
        factory.audit(
          kind === 0
            ? { ...base, action: 'create', objectType: 'device', objectUuid: device }
            : kind === 1
              ? { ...base, action: 'verify', objectType: 'device', objectUuid: device }
              : {
                  ...base,
                  action: 'update',
                  objectType: 'user',
                  objectUuid: user.op.uuid,
                  objectDetails: user.op,
                },
        ),
      );
      continue;
    }
    out.auditEvents.push(factory.audit({ ...base, ...adminAction(ctx, user, auditRng, factory) }));
  }
}

interface AdminFields {
  action: string;
  objectType: string;
  objectUuid: string;
  objectDetails?: OpUser;
  auxId?: number;
  auxUuid?: string;
  auxDetails?: OpUser;
  auxInfo?: string;
}

function adminAction(
  ctx: DayContext,
  user: UserModel,
  rng: Rng,
  factory: EventFactory,
): AdminFields {
  const [action, objectType] = ADMIN_ACTIONS[rng.weightedIndex(ADMIN_WEIGHTS)] ?? [
    'update',
    'vault',
  ];
  const users = ctx.population.users;
  const other =
    users.length > 1 ? users[(user.index + 1 + rng.int(users.length - 1)) % users.length] : user;
  switch (objectType) {
    case 'uva':
      return {
        action,
        objectType,
        objectUuid: rng.pick(ctx.population.vaults).id,
        auxId: rng.pick([32, 48, 1048560]),
        auxUuid: other.op.uuid,
        auxDetails: other.op,
      };
    case 'gm':
      return {
        action,
        objectType,
        objectUuid: rng.pick(ctx.population.groups),
        auxUuid: other.op.uuid,
        auxDetails: other.op,
        auxInfo: 'M',
      };
    case 'invite':
      return {
        action,
        objectType,
        objectUuid: factory.upperId(),
        auxInfo: `new.hire${rng.range(100, 999)}@${user.op.email.split('@')[1] ?? 'example.com'}`,
      };
    case 'user':
      return { action, objectType, objectUuid: other.op.uuid, objectDetails: other.op };
    default:
      return {
        action,
        objectType,
        objectUuid: action === 'create' ? factory.lowerId() : rng.pick(ctx.population.vaults).id,
      };
  }
}

/** A Connect client's day: polls every few minutes around the clock, rare bursts and denials. */
function connectDay(
  ctx: DayContext,
  day: number,
  token: ConnectTokenModel,
  factory: EventFactory,
  out: ScenarioDay,
): void {
  const rng = Rng.from(ctx.seed, 'connect-day', token.public.jti, day);
  const dayStart = ctx.startMs + day * DAY;
  const dayEnd = Math.min(dayStart + DAY, ctx.endMs);
  const push = (t: number, action: string, result: string, resource: ConnectResource): void => {
    if (t < ctx.startMs || t >= dayEnd) return;
    out.connectActivity.push(
      factory.connect({
        timeMs: t,
        availableAt: t + rng.int(1500),
        action,
        result,
        actor: token.actor,
        resource,
      }),
    );
  };
  const period = (token.periodMin * MINUTE) / Math.max(0.01, ctx.rates.connectActivity);
  for (let t = dayStart + rng.next() * period; t < dayEnd; t += period * rng.uniform(0.7, 1.3)) {
    let at = Math.floor(t);
    if (rng.chance(0.3)) push(at, 'READ', 'SUCCESS', rng.pick(token.vaultResources));
    const reads = 1 + rng.poisson(1.2);
    for (let i = 0; i < reads; i++) {
      at += rng.range(5, 400);
      push(at, 'READ', 'SUCCESS', rng.pick(token.itemResources));
    }
  }
  if (token.writer) {
    const writes = rng.poisson(3 * ctx.rates.connectActivity);
    for (let i = 0; i < writes; i++) {
      const t = Math.floor(dayStart + rng.uniform(13, 23) * HOUR);
      push(t, rng.chance(0.9) ? 'UPDATE' : 'CREATE', 'SUCCESS', rng.pick(token.itemResources));
    }
  }
  // A deploy or a cache warm-up: a large burst of successful reads over the token's own items.
  if (rng.chance(1 / 7)) {
    let t = Math.floor(dayStart + rng.uniform(0, 22) * HOUR);
    const n = rng.range(80, 200);
    for (let i = 0; i < n; i++) {
      t += rng.range(100, 1500);
      push(t, 'READ', 'SUCCESS', rng.pick(token.itemResources));
    }
  }
  // A deploy job: every secret of its vaults, read in a few minutes, every day at its hour.
  if (token.deployHour !== null) {
    let t = dayStart + token.deployHour * HOUR + Math.floor(rng.uniform(0, 20) * MINUTE);
    for (const resource of token.deployResources) {
      t += rng.range(200, 1200);
      push(t, 'READ', 'SUCCESS', resource);
    }
  }
  // A rare, lone denial: someone pointed the app at a vault it has no grant for.
  const denials = rng.poisson(0.08);
  for (let i = 0; i < denials; i++) {
    const vault = rng.pick(ctx.population.vaults);
    if (token.vaultIds.includes(vault.id)) continue;
    push(Math.floor(dayStart + rng.uniform(0, 24) * HOUR), 'READ', 'DENY', {
      type: 'VAULT',
      vault: { id: vault.id },
    });
  }
}
