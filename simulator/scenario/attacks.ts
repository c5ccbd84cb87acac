import { ATTACKER_CLIENTS } from './catalog';
import { CITIES, distanceKm, type City } from './cities';
import { ATTACK_SLOT, DAY, EventFactory, HOUR, MINUTE, promptDelay } from './event-factory';
import { pickClient } from './benign-day';
import {
  clientFor,
  placeOnDay,
  type ClientModel,
  type ConnectTokenModel,
  type ItemModel,
  type Place,
  type Population,
  type UserModel,
} from './population';
import { Rng } from './prng';
import {
  EXPECTED_RULES,
  type ApiRequest,
  type AttackKind,
  type AttackLabel,
  type AttackSpec,
  type AuditEvent,
  type ItemUsage,
  type LabelStream,
  type OpClient,
  type SignInAttempt,
  type TimedEvent,
} from './types';

export interface AttackPlan {
  labels: AttackLabel[];
  itemUsages: TimedEvent<ItemUsage>[];
  signInAttempts: TimedEvent<SignInAttempt>[];
  auditEvents: TimedEvent<AuditEvent>[];
  connectActivity: TimedEvent<ApiRequest>[];
}

export interface AttackContext {
  seed: number | string;
  startMs: number;
  endMs: number;
  window: { start: number; end: number };
  population: Population;
}

/** The attacker's own tooling, never seen for any user. */
const attackerClient = (template: (typeof ATTACKER_CLIENTS)[number], ip: string): OpClient =>
  Object.freeze({
    app_name: template.app_name,
    app_version: template.app_version,
    platform_name: template.platform_name,
    platform_version: template.platform_version,
    os_name: template.os_name,
    os_version: template.os_version,
    ip_address: ip,
  });

/**
 * Plans and builds every injected attack. Victims are distinct where the tenant is big enough.
 * Where an attacker acts from far away, the victim's own benign activity around it is blacked
 * out, so each attack trips the rule it is labelled with and not, by accident, geo-velocity too.
 */
export function planAttacks(ctx: AttackContext, specs: readonly AttackSpec[]): AttackPlan {
  const rng = Rng.from(ctx.seed, 'attacks');
  const f = new EventFactory(ctx.population.accountUuid, ATTACK_SLOT, rng.fork('ids'));
  const plan: AttackPlan = {
    labels: [],
    itemUsages: [],
    signInAttempts: [],
    auditEvents: [],
    connectActivity: [],
  };
  const used = new Set<UserModel>();
  const users = ctx.population.users;
  const attackerPlaces = rng.sample(
    ctx.population.attackerPlaces,
    ctx.population.attackerPlaces.length,
  );
  let attackerCursor = 0;
  const nextAttackerPlace = (avoid: ReadonlySet<string>): Place => {
    for (let i = 0; i < attackerPlaces.length; i++) {
      const p = attackerPlaces[(attackerCursor + i) % attackerPlaces.length];
      if (!avoid.has(p.city.country)) {
        attackerCursor += i + 1;
        return p;
      }
    }
    throw new RangeError('no attacker city outside the victim countries');
  };

  const pickUser = (spec: AttackSpec, ok: (u: UserModel) => boolean, r: Rng): UserModel => {
    if (spec.actor !== undefined) {
      const chosen = users.find((u) => u.op.uuid === spec.actor);
      if (!chosen) throw new RangeError(`${spec.kind}: no user ${spec.actor}`);
      return chosen;
    }
    const fresh = users.filter((u) => !used.has(u) && ok(u));
    const pool = fresh.length > 0 ? fresh : users.filter(ok);
    const fallback = pool.length > 0 ? pool : users;
    if (fallback.length === 0) throw new RangeError(`${spec.kind}: the scenario has no users`);
    const user = r.pick(fallback);
    used.add(user);
    return user;
  };

  // Attacks last up to about an hour: leave room before the window (and scenario) ends.
  const latestStart =
    ctx.window.end - Math.min(2 * HOUR, Math.max(0, ctx.window.end - ctx.window.start) / 4);

  /** A working-hours moment when the user is at home on a weekday, inside the window. */
  const workTime = (user: UserModel, r: Rng, spec: AttackSpec, minWorkMinute = 60): number => {
    if (spec.at) return spec.at.getTime();
    const firstDay = Math.floor((ctx.window.start - ctx.startMs) / DAY);
    const lastDay = Math.floor((ctx.window.end - ctx.startMs) / DAY);
    for (let attempt = 0; attempt < 400; attempt++) {
      const day = r.range(firstDay, lastDay);
      const dayStart = ctx.startMs + day * DAY;
      const weekday = new Date(dayStart).getUTCDay();
      if (attempt < 300 && (weekday === 0 || weekday === 6)) continue;
      if (placeOnDay(user, day) !== user.home) continue;
      const span = user.workEndMin - user.workStartMin - minWorkMinute - 90;
      const minute = user.workStartMin + minWorkMinute + r.uniform(0, Math.max(0, span));
      const t = Math.floor(dayStart - user.home.offsetMs + minute * MINUTE);
      if (t >= ctx.window.start && t <= latestStart) return t;
    }
    return anyTime(r, spec);
  };
  const anyTime = (r: Rng, spec: AttackSpec): number =>
    spec.at ? spec.at.getTime() : Math.floor(r.uniform(ctx.window.start, latestStart));

  const label = (
    kind: AttackKind,
    actor: string,
    actorType: AttackLabel['actorType'],
    stream: LabelStream,
    events: ReadonlyArray<TimedEvent<{ uuid: string } | { requestId: string }>>,
    description: string,
  ): void => {
    const sorted = [...events].sort((a, b) => a.timeMs - b.timeMs);
    const first = sorted.at(0);
    const last = sorted.at(-1);
    if (!first || !last) throw new RangeError(`${kind}: no events`);
    plan.labels.push({
      kind,
      actor,
      actorType,
      stream,
      start: new Date(first.timeMs).toISOString(),
      end: new Date(last.timeMs).toISOString(),
      eventUuids: sorted.map((e) => ('uuid' in e.raw ? e.raw.uuid : e.raw.requestId)),
      expectedRule: EXPECTED_RULES[kind],
      description,
    });
  };

  const itemDelay = (r: Rng, spec: AttackSpec): number =>
    (spec.lateByMs ?? 0) + r.range(1000, 20_000);
  const itemsFor = (user: UserModel, n: number, r: Rng): ItemModel[] => {
    const own = r.sample(user.items, n);
    if (own.length >= n) return own;
    const more = ctx.population.vaults
      .filter((v) => user.vaults.includes(v.id))
      .flatMap((v) => v.items)
      .filter((i) => !own.includes(i));
    return own.concat(r.sample(more, n - own.length));
  };
  const homeClient = (user: UserModel, action: string, r: Rng, t: number): OpClient => {
    const client: ClientModel = pickClient(user, action, r);
    const minute =
      (t - (Math.floor((t - ctx.startMs) / DAY) * DAY + ctx.startMs - user.home.offsetMs)) / MINUTE;
    const atWork = minute >= user.workStartMin && minute < user.workEndMin && !user.remote;
    return clientFor(client, atWork ? user.home.workIp : user.home.homeIp);
  };
  const blackout = (user: UserModel, from: number, to: number): void => {
    user.blackouts.push({ from, to });
  };
  const farAwayMs = (a: City, b: City): number =>
    Math.ceil(distanceKm(a, b) / 600) * HOUR + 2 * HOUR;

  for (const spec of specs) {
    const r = rng.fork(`${plan.labels.length}-${spec.kind}`);
    switch (spec.kind) {
      case 'bulk_export': {
        const user = pickUser(spec, (u) => u.clients.some((c) => c.kind === 'desktop'), r);
        let t = workTime(user, r, spec);
        const events = itemsFor(user, r.range(28, 40), r).map((item) => {
          t += r.range(3000, 10_000);
          return f.itemUsage({
            timeMs: t,
            availableAt: t + itemDelay(r, spec),
            user: user.op,
            action: 'export',
            vaultId: item.vaultId,
            itemId: item.id,
            usedVersion: item.version,
            client: homeClient(user, 'export', r, t),
            location: user.home.location,
          });
        });
        plan.itemUsages.push(...events);
        label(
          spec.kind,
          user.op.uuid,
          'user',
          'item_usage',
          events,
          `${events.length} exports within minutes by ${user.op.email}`,
        );
        break;
      }
      case 'new_country_reveal': {
        const user = pickUser(spec, (u) => u.trips.length === 0, r);
        const place = nextAttackerPlace(
          new Set([user.home.city.country, ...user.travelCities.map((c) => c.country)]),
        );
        let t = anyTime(r, spec);
        const start = t;
        const ip = place.homeIp;
        const client = attackerClient(ATTACKER_CLIENTS[0], ip);
        // A stolen-credential session: the sign-in teaches the country first, reveals follow.
        const signIn = f.signIn({
          timeMs: t,
          availableAt: t + promptDelay(r),
          sessionUuid: f.upperId(),
          category: 'success',
          type: user.usesMfa ? 'mfa_ok' : 'credentials_ok',
          country: place.city.country,
          details: null,
          user: user.op,
          client,
          location: place.location,
        });
        const events = itemsFor(user, r.range(6, 10), r).map((item) => {
          t += r.range(MINUTE, 5 * MINUTE);
          return f.itemUsage({
            timeMs: t,
            availableAt: t + itemDelay(r, spec),
            user: user.op,
            action: 'reveal',
            vaultId: item.vaultId,
            itemId: item.id,
            usedVersion: item.version,
            client,
            location: place.location,
          });
        });
        const gap = farAwayMs(user.home.city, place.city);
        blackout(user, start - gap, t + gap);
        plan.signInAttempts.push(signIn);
        plan.itemUsages.push(...events);
        label(
          spec.kind,
          user.op.uuid,
          'user',
          'item_usage',
          [signIn, ...events],
          `a sign-in by ${user.op.email} from ${place.city.name}, ${place.city.country} (never seen for this user), then reveals from there`,
        );
        break;
      }
      case 'connect_deny_burst': {
        const tokens = ctx.population.connectTokens;
        const token: ConnectTokenModel | undefined =
          spec.actor !== undefined
            ? tokens.find((k) => k.public.jti === spec.actor)
            : tokens.length > 0
              ? r.pick(tokens)
              : undefined;
        if (!token)
          throw new RangeError('connect_deny_burst needs a Connect token (connectTokens >= 1)');
        let t = anyTime(r, spec);
        const foreign = ctx.population.vaults.filter((v) => !token.vaultIds.includes(v.id));
        const n = r.range(18, 30);
        const events: TimedEvent<ApiRequest>[] = [];
        for (let i = 0; i < n; i++) {
          t += r.range(2000, 12_000);
          const vault = foreign.length > 0 ? r.pick(foreign) : r.pick(ctx.population.vaults);
          const item = r.pick(vault.items);
          events.push(
            f.connect({
              timeMs: t,
              availableAt: t + r.int(1500),
              action: 'READ',
              result: 'DENY',
              actor: token.actor,
              resource: r.chance(0.4)
                ? { type: 'VAULT', vault: { id: vault.id } }
                : {
                    type: 'ITEM',
                    vault: { id: vault.id },
                    item: { id: item.id },
                    itemVersion: item.version,
                  },
            }),
          );
        }
        plan.connectActivity.push(...events);
        label(
          spec.kind,
          token.public.jti,
          'connect_token',
          'connect_activity',
          events,
          `${n} denied requests by token ${token.public.name} probing vaults outside its grant`,
        );
        break;
      }
      case 'impossible_travel': {
        const domesticFar = (u: UserModel): City | undefined =>
          CITIES.find(
            (c) => c.country === u.home.city.country && distanceKm(c, u.home.city) > 1000,
          );
        const user = pickUser(spec, (u) => domesticFar(u) !== undefined, r);
        const farCity =
          domesticFar(user) ??
          user.travelCities.find((c) => distanceKm(c, user.home.city) > 1000) ??
          CITIES.find((c) => distanceKm(c, user.home.city) > 1000);
        if (!farCity) throw new RangeError('impossible_travel: no far city');
        const far = ctx.population.placeOf(farCity, 7777);
        const t0 = workTime(user, r, spec);
        const dist = distanceKm(user.home.city, farCity);
        // Fast enough to be impossible (about 2,000 km/h), slow enough to pass a 5-minute floor.
        const gap = Math.min(90 * MINUTE, Math.max(20 * MINUTE, (dist / 2000) * HOUR));
        const t1 = Math.floor(t0 + gap);
        const homeSignIn = f.signIn({
          timeMs: t0,
          availableAt: t0 + promptDelay(r),
          sessionUuid: f.upperId(),
          category: 'success',
          type: user.usesMfa ? 'mfa_ok' : 'credentials_ok',
          country: user.home.city.country,
          details: null,
          user: user.op,
          client: homeClient(user, 'reveal', r, t0),
          location: user.home.location,
        });
        const farClient = attackerClient(ATTACKER_CLIENTS[1], far.homeIp);
        const farSignIn = f.signIn({
          timeMs: t1,
          availableAt: t1 + promptDelay(r),
          sessionUuid: f.upperId(),
          category: 'success',
          type: user.usesMfa ? 'mfa_ok' : 'credentials_ok',
          country: farCity.country,
          details: null,
          user: user.op,
          client: farClient,
          location: far.location,
        });
        let t = t1;
        const reveals = itemsFor(user, r.range(2, 4), r).map((item) => {
          t += r.range(MINUTE, 4 * MINUTE);
          return f.itemUsage({
            timeMs: t,
            availableAt: t + itemDelay(r, spec),
            user: user.op,
            action: 'reveal',
            vaultId: item.vaultId,
            itemId: item.id,
            usedVersion: item.version,
            client: farClient,
            location: far.location,
          });
        });
        blackout(user, t0 - 30 * MINUTE, t0);
        blackout(user, t0 + 1, t + farAwayMs(user.home.city, farCity));
        plan.signInAttempts.push(homeSignIn, farSignIn);
        plan.itemUsages.push(...reveals);
        label(
          spec.kind,
          user.op.uuid,
          'user',
          'signin_attempt',
          [homeSignIn, farSignIn, ...reveals],
          `${user.op.email} signed in from ${user.home.city.name} then ${farCity.name} (${Math.round(dist)} km) ${Math.round(gap / MINUTE)} min later`,
        );
        break;
      }
      case 'reveal_spike': {
        // A spike is several times the user's usual hour: not someone who reveals all day.
        const user = pickUser(spec, (u) => !(u.rates.reveal >= 50), r);
        // Inside one clock hour, so hourly buckets and sliding windows agree.
        const hourStart = Math.floor(workTime(user, r, spec) / HOUR) * HOUR;
        let t = hourStart + r.range(MINUTE, 3 * MINUTE);
        const n = r.range(40, 55);
        const items = itemsFor(user, n, r);
        const events = Array.from({ length: n }, (_, i) => {
          t += r.range(20_000, 60_000);
          const item = items[i % items.length];
          return f.itemUsage({
            timeMs: t,
            availableAt: t + itemDelay(r, spec),
            user: user.op,
            action: 'reveal',
            vaultId: item.vaultId,
            itemId: item.id,
            usedVersion: item.version,
            client: homeClient(user, 'reveal', r, t),
            location: user.home.location,
          });
        });
        plan.itemUsages.push(...events);
        label(
          spec.kind,
          user.op.uuid,
          'user',
          'item_usage',
          events,
          `${n} reveals in one hour by ${user.op.email} (usual: ${user.rates.reveal.toFixed(1)} a day)`,
        );
        break;
      }
      case 'signin_brute_force': {
        const user = pickUser(spec, () => true, r);
        const place = nextAttackerPlace(new Set([user.home.city.country]));
        const ip = place.homeIp;
        const client = attackerClient(ATTACKER_CLIENTS[0], ip);
        let t = anyTime(r, spec);
        const n = r.range(18, 24);
        const events = Array.from({ length: n }, () => {
          t += r.range(5000, 25_000);
          return f.signIn({
            timeMs: t,
            availableAt: t + promptDelay(r),
            sessionUuid: f.upperId(),
            category: 'credentials_failed',
            type: 'password_secret_bad',
            country: place.city.country,
            details: null,
            user: user.op,
            client,
            location: place.location,
          });
        });
        plan.signInAttempts.push(...events);
        label(
          spec.kind,
          user.op.uuid,
          'user',
          'signin_attempt',
          events,
          `${n} failed sign-ins for ${user.op.email} from ${ip} (${place.city.name})`,
        );
        break;
      }
      case 'password_spray': {
        const place = nextAttackerPlace(new Set());
        const ip = ctx.population.placeOf(place.city, 4242).homeIp;
        const client = attackerClient(ATTACKER_CLIENTS[1], ip);
        const fresh = users.filter((u) => !used.has(u));
        const targets = r.sample(fresh.length >= 12 ? fresh : users, 12);
        let t = anyTime(r, spec);
        const events: TimedEvent<SignInAttempt>[] = [];
        for (const target of targets) {
          const attempts = r.range(1, 2);
          for (let i = 0; i < attempts; i++) {
            t += r.range(10_000, 60_000);
            events.push(
              f.signIn({
                timeMs: t,
                availableAt: t + promptDelay(r),
                sessionUuid: f.upperId(),
                category: 'credentials_failed',
                type: 'password_secret_bad',
                country: place.city.country,
                details: null,
                user: target.op,
                client,
                location: place.location,
              }),
            );
          }
        }
        plan.signInAttempts.push(...events);
        label(
          spec.kind,
          spec.actor ?? ip,
          'ip',
          'signin_attempt',
          events,
          `one IP (${ip}, ${place.city.name}) failing against ${targets.length} users`,
        );
        break;
      }
      case 'mfa_disabled':
      case 'vault_export': {
        const user = pickUser(spec, (u) => u.role !== 'member', r);
        const mfa = spec.kind === 'mfa_disabled';
        let t: number;
        if (mfa && !spec.at) {
          // Off hours: between 01:00 and 04:00 at home.
          const work = workTime(user, r, spec);
          const localMidnight =
            Math.floor((work + user.home.offsetMs) / DAY) * DAY - user.home.offsetMs;
          t = Math.floor(localMidnight + r.uniform(1, 4) * HOUR);
          if (t < ctx.window.start) t += DAY;
        } else {
          t = workTime(user, r, spec);
        }
        const client = user.clients.find((c) => c.kind === 'desktop') ?? user.clients[0];
        const login = t - r.range(2 * MINUTE, 20 * MINUTE);
        const session = Object.freeze({
          uuid: f.upperId(),
          login_time: f.timestamp(login),
          device_uuid: client.deviceUuid,
          ip: user.home.homeIp,
        });
        const vault = r.pick(user.vaults);
        const event = f.audit({
          timeMs: t,
          availableAt: t + promptDelay(r),
          actor: user.op,
          action: mfa ? 'disblmfa' : 'export',
          objectType: mfa ? 'account' : 'vault',
          objectUuid: mfa ? ctx.population.accountUuid : vault,
          ...(mfa ? { auxInfo: 'totp' } : {}),
          session,
          location: user.home.location,
        });
        plan.auditEvents.push(event);
        label(
          spec.kind,
          user.op.uuid,
          'user',
          'audit_event',
          [event],
          mfa
            ? `${user.op.email} disabled MFA for the account`
            : `${user.op.email} exported vault ${vault}`,
        );
        break;
      }
    }
  }
  return plan;
}
