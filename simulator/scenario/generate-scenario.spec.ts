import { createHash } from 'node:crypto';
import { CITIES, distanceKm, type City } from './cities';
import { createScenarioPlan, generateScenario } from './generate-scenario';
import { LEARNING_DAYS } from './population';
import {
  ATTACK_KINDS,
  type AttackKind,
  type AttackLabel,
  type OpLocation,
  type Scenario,
  type TimedEvent,
} from './types';

const DAY = 86_400_000;
const MINUTE = 60_000;
const HOUR = 3_600_000;

function digest(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex');
}

/** ISO code for a location's country, whether it carries the code or the English name. */
const countryCode = (country: string): string =>
  CITIES.find((c) => c.country === country || c.countryName === country)?.country ?? country;

interface UserEvent {
  uuid: string;
  user: string;
  timeMs: number;
  location: OpLocation | undefined;
}

/** Every Events API event with its user, across the three streams, in time order. */
function userEvents(s: Scenario): UserEvent[] {
  const all: UserEvent[] = [
    ...s.itemUsages.map((e) => ({
      uuid: e.raw.uuid,
      user: e.raw.user.uuid,
      timeMs: e.timeMs,
      location: e.raw.location,
    })),
    ...s.signInAttempts.map((e) => ({
      uuid: e.raw.uuid,
      user: e.raw.target_user.uuid,
      timeMs: e.timeMs,
      location: e.raw.location,
    })),
    ...s.auditEvents.map((e) => ({
      uuid: e.raw.uuid,
      user: e.raw.actor_uuid,
      timeMs: e.timeMs,
      location: e.raw.location,
    })),
  ];
  return all.sort((a, b) => a.timeMs - b.timeMs);
}

function asCity(l: OpLocation): City {
  return { ...l, name: l.city, countryName: l.country, utcOffsetMinutes: 0 };
}

/** Largest number of events inside any window of `windowMs` (times sorted ascending). */
function maxInWindow(times: number[], windowMs: number): number {
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < times.length; hi++) {
    while (times[hi] - times[lo] >= windowMs) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

describe('generateScenario', () => {
  const options = { seed: 42, users: 60, days: 30 };
  let scenario: Scenario;
  let labelled: Set<string>;
  let byKind: Map<AttackKind, AttackLabel>;

  beforeAll(() => {
    scenario = generateScenario(options);
    labelled = new Set(scenario.labels.flatMap((l) => l.eventUuids));
    byKind = new Map(scenario.labels.map((l) => [l.kind, l]));
  });

  describe('determinism', () => {
    it('gives byte-identical output for the same seed', () => {
      expect(digest(generateScenario(options))).toBe(digest(scenario));
    });

    it('gives different output for a different seed', () => {
      const other = generateScenario({ ...options, seed: 43 });
      expect(digest(other)).not.toBe(digest(scenario));
      expect(other.itemUsages[0]?.raw.uuid).not.toBe(scenario.itemUsages[0]?.raw.uuid);
    });

    it('produces the same events day by day as in one piece', () => {
      const plan = createScenarioPlan(options);
      expect(plan.labels).toEqual(scenario.labels);
      const uuids = new Set<string>();
      let count = 0;
      for (const day of plan.days()) {
        for (const e of day.itemUsages) uuids.add(e.raw.uuid);
        count +=
          day.itemUsages.length +
          day.signInAttempts.length +
          day.auditEvents.length +
          day.connectActivity.length;
      }
      expect(uuids.size).toBe(scenario.itemUsages.length);
      expect(count).toBe(
        scenario.itemUsages.length +
          scenario.signInAttempts.length +
          scenario.auditEvents.length +
          scenario.connectActivity.length,
      );
      expect(digest(plan.generateDay(9))).toBe(digest(plan.generateDay(9)));
    });
  });

  describe('shape of the raw events', () => {
    it('uses the id formats of the real APIs, unique across streams', () => {
      const upper = /^[A-Z2-7]{26}$/;
      const lower = /^[a-z2-7]{26}$/;
      const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
      const bad: string[] = [];
      const check = (value: string, pattern: RegExp): void => {
        if (!pattern.test(value)) bad.push(value);
      };
      const ids = new Set<string>();
      for (const { raw } of scenario.itemUsages) {
        check(raw.uuid, upper);
        check(raw.user.uuid, upper);
        check(raw.vault_uuid, lower);
        check(raw.item_uuid, lower);
        if (raw.account_uuid !== scenario.meta.accountUuid) bad.push(raw.account_uuid);
        ids.add(raw.uuid);
      }
      for (const { raw } of scenario.signInAttempts) {
        check(raw.uuid, upper);
        check(raw.session_uuid, upper);
        ids.add(raw.uuid);
      }
      for (const { raw } of scenario.auditEvents) {
        check(raw.uuid, upper);
        check(raw.session.device_uuid, lower);
        ids.add(raw.uuid);
      }
      for (const { raw } of scenario.connectActivity) {
        check(raw.requestId, uuid);
        check(raw.actor.jti, lower);
        check(raw.actor.id, lower);
        check(raw.resource.vault.id, lower);
        ids.add(raw.requestId);
      }
      expect(bad).toEqual([]);
      const total =
        scenario.itemUsages.length +
        scenario.signInAttempts.length +
        scenario.auditEvents.length +
        scenario.connectActivity.length;
      expect(ids.size).toBe(total);
    });

    it('has RFC 3339 timestamps matching timeMs, every stream sorted by event time', () => {
      const streams: Array<Array<TimedEvent<{ timestamp: string }>>> = [
        scenario.itemUsages,
        scenario.signInAttempts,
        scenario.auditEvents,
        scenario.connectActivity,
      ];
      const start = Date.parse(scenario.meta.start);
      const end = Date.parse(scenario.meta.end);
      const bad: unknown[] = [];
      for (const events of streams) {
        let previous = -Infinity;
        for (const e of events) {
          const ok =
            /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/.test(e.raw.timestamp) &&
            Date.parse(e.raw.timestamp) === e.timeMs &&
            e.timeMs >= previous &&
            e.timeMs >= start &&
            e.timeMs < end &&
            e.availableAt >= e.timeMs;
          if (!ok) bad.push(e);
          previous = e.timeMs;
        }
      }
      expect(bad).toEqual([]);
    });

    it('serves some item usages late (up to a day) and the other streams within seconds', () => {
      const delays = scenario.itemUsages.map((e) => e.availableAt - e.timeMs);
      const late = delays.filter((d) => d > 2 * MINUTE).length / delays.length;
      expect(late).toBeGreaterThan(0.03);
      expect(late).toBeLessThan(0.2);
      expect(delays.some((d) => d > HOUR)).toBe(true);
      expect(delays.some((d) => d > 6 * HOUR)).toBe(true);
      expect(Math.max(...delays)).toBeLessThanOrEqual(DAY + MINUTE);
      const others = [
        scenario.signInAttempts,
        scenario.auditEvents,
        scenario.connectActivity,
      ].flat();
      expect(others.filter((e) => e.availableAt - e.timeMs > 30_000)).toEqual([]);
    });

    it('carries ISO country codes, sometimes an English country name, as real data does', () => {
      const countries = scenario.itemUsages.flatMap((e) =>
        e.raw.location ? [e.raw.location.country] : [],
      );
      const names = countries.filter((c) => c.length > 2);
      expect(names.length).toBeGreaterThan(0);
      expect(names.length / countries.length).toBeLessThan(0.1);
      expect(scenario.itemUsages.some((e) => e.raw.location === undefined)).toBe(true);
    });

    it('gives users habits: home city, 1-3 clients, rates and vaults', () => {
      expect(scenario.users).toHaveLength(60);
      for (const user of scenario.users) {
        expect(user.uuid).toMatch(/^[A-Z2-7]{26}$/);
        expect(user.clients.length).toBeGreaterThanOrEqual(1);
        expect(user.clients.length).toBeLessThanOrEqual(3);
        expect(user.vaults.length).toBeGreaterThan(0);
        expect(user.dailyRates.reveal).toBeGreaterThan(0);
        expect(CITIES.some((c) => c.name === user.home.name)).toBe(true);
      }
      expect(scenario.connectTokens).toHaveLength(3);
      const dominant = scenario.connectActivity.filter(
        (e) => e.raw.action === 'READ' && e.raw.result === 'SUCCESS',
      );
      expect(dominant.length / scenario.connectActivity.length).toBeGreaterThan(0.9);
    });
  });

  describe('benign behaviour', () => {
    it('sends travellers only to countries they visited during the learning period', () => {
      const start = Date.parse(scenario.meta.start);
      const learningEnd = start + LEARNING_DAYS * DAY;
      const homes = new Map(scenario.users.map((u) => [u.uuid, u.home.country]));
      const early = new Map<string, Set<string>>();
      const unknown: string[] = [];
      let abroad = 0;
      for (const e of userEvents(scenario)) {
        if (labelled.has(e.uuid) || !e.location) continue;
        const country = countryCode(e.location.country);
        if (country === homes.get(e.user)) continue;
        abroad++;
        const seen = early.get(e.user) ?? new Set<string>();
        early.set(e.user, seen);
        if (e.timeMs < learningEnd) seen.add(country);
        else if (!seen.has(country)) unknown.push(`${e.user} ${country}`);
      }
      expect(unknown).toEqual([]);
      expect(abroad).toBeGreaterThan(0);
      expect(scenario.users.some((u) => u.trips.length > 1)).toBe(true);
    });

    it('never moves a user faster than a plane outside the injected attacks', () => {
      const last = new Map<string, UserEvent>();
      const impossible: string[] = [];
      for (const e of userEvents(scenario)) {
        if (labelled.has(e.uuid) || !e.location) continue;
        const previous = last.get(e.user);
        last.set(e.user, e);
        if (!previous?.location) continue;
        const km = distanceKm(asCity(previous.location), asCity(e.location));
        if (km < 500) continue;
        const hours = (e.timeMs - previous.timeMs) / HOUR;
        if (km / hours >= 900)
          impossible.push(`${e.user} ${Math.round(km)} km in ${hours.toFixed(2)} h`);
      }
      expect(impossible).toEqual([]);
    });

    it('has no bulk export, DENY burst or brute force except the injected ones', () => {
      const group = <T>(
        events: Array<TimedEvent<T>>,
        key: (raw: T) => string | undefined,
      ): Map<string, number[]> => {
        const groups = new Map<string, number[]>();
        for (const e of events) {
          const k = key(e.raw);
          if (k === undefined) continue;
          const list = groups.get(k) ?? [];
          list.push(e.timeMs);
          groups.set(k, list);
        }
        return groups;
      };
      const benign = <T extends { uuid?: string; requestId?: string }>(
        events: Array<TimedEvent<T>>,
      ) => events.filter((e) => !labelled.has(e.raw.uuid ?? e.raw.requestId ?? ''));
      for (const times of group(benign(scenario.itemUsages), (r) =>
        r.action === 'export' ? r.user.uuid : undefined,
      ).values()) {
        expect(maxInWindow(times, 10 * MINUTE)).toBeLessThan(10);
      }
      for (const times of group(benign(scenario.connectActivity), (r) =>
        r.result === 'DENY' ? r.actor.jti : undefined,
      ).values()) {
        expect(maxInWindow(times, 5 * MINUTE)).toBeLessThan(5);
      }
      const failed = benign(scenario.signInAttempts).filter((e) => e.raw.category !== 'success');
      for (const times of group(failed, (r) => r.target_user.uuid).values()) {
        expect(maxInWindow(times, 10 * MINUTE)).toBeLessThan(5);
      }
    });
  });

  describe('injected attacks', () => {
    const find = (uuids: string[]) => {
      const set = new Set(uuids);
      return {
        items: scenario.itemUsages.filter((e) => set.has(e.raw.uuid)),
        signIns: scenario.signInAttempts.filter((e) => set.has(e.raw.uuid)),
        audits: scenario.auditEvents.filter((e) => set.has(e.raw.uuid)),
        connect: scenario.connectActivity.filter((e) => set.has(e.raw.requestId)),
      };
    };
    const label = (kind: AttackKind): AttackLabel => {
      const l = byKind.get(kind);
      if (!l) throw new Error(`no ${kind} label`);
      return l;
    };

    it('labels one attack of each kind, after 21 days, with every event present', () => {
      expect(scenario.labels.map((l) => l.kind).sort()).toEqual([...ATTACK_KINDS].sort());
      const start = Date.parse(scenario.meta.start);
      for (const l of scenario.labels) {
        const found = find(l.eventUuids);
        const n =
          found.items.length + found.signIns.length + found.audits.length + found.connect.length;
        expect({ kind: l.kind, n }).toEqual({ kind: l.kind, n: l.eventUuids.length });
        expect(Date.parse(l.start)).toBeGreaterThanOrEqual(start + 21 * DAY);
        expect(Date.parse(l.end)).toBeGreaterThanOrEqual(Date.parse(l.start));
        expect(l.expectedRule).toMatch(/^op\./);
      }
    });

    it('bulk export: at least 25 exports by one user within 10 minutes', () => {
      const l = label('bulk_export');
      const { items } = find(l.eventUuids);
      expect(items.every((e) => e.raw.action === 'export' && e.raw.user.uuid === l.actor)).toBe(
        true,
      );
      expect(
        maxInWindow(
          items.map((e) => e.timeMs),
          10 * MINUTE,
        ),
      ).toBeGreaterThanOrEqual(25);
    });

    it('new-country reveal: reveals from a country never seen for the user, after 14 days of history', () => {
      const l = label('new_country_reveal');
      const { items } = find(l.eventUuids);
      expect(items.length).toBeGreaterThan(0);
      const attackCountries = new Set(items.map((e) => countryCode(e.raw.location?.country ?? '')));
      expect(items.every((e) => e.raw.action === 'reveal' && e.raw.user.uuid === l.actor)).toBe(
        true,
      );
      const history = userEvents(scenario).filter(
        (e) => e.user === l.actor && e.timeMs < Date.parse(l.start),
      );
      expect(Date.parse(l.start) - (history[0]?.timeMs ?? Infinity)).toBeGreaterThanOrEqual(
        14 * DAY,
      );
      const seen = new Set(
        history.flatMap((e) => (e.location ? [countryCode(e.location.country)] : [])),
      );
      for (const country of attackCountries) expect(seen.has(country)).toBe(false);
    });

    it('Connect DENY burst: at least 15 DENY for one token within 5 minutes', () => {
      const l = label('connect_deny_burst');
      const { connect } = find(l.eventUuids);
      expect(connect.every((e) => e.raw.result === 'DENY' && e.raw.actor.jti === l.actor)).toBe(
        true,
      );
      expect(
        maxInWindow(
          connect.map((e) => e.timeMs),
          5 * MINUTE,
        ),
      ).toBeGreaterThanOrEqual(15);
      expect(scenario.connectTokens.map((t) => t.jti)).toContain(l.actor);
    });

    it('impossible travel: two events of one user over 500 km apart, faster than 900 km/h', () => {
      const l = label('impossible_travel');
      const { items, signIns } = find(l.eventUuids);
      const events = [
        ...signIns.map((e) => ({ t: e.timeMs, loc: e.raw.location, user: e.raw.target_user.uuid })),
        ...items.map((e) => ({ t: e.timeMs, loc: e.raw.location, user: e.raw.user.uuid })),
      ].sort((a, b) => a.t - b.t);
      expect(events.every((e) => e.user === l.actor)).toBe(true);
      const a = events.at(0);
      const b = events.at(1);
      if (!a?.loc || !b?.loc) throw new Error('impossible travel without locations');
      const km = distanceKm(asCity(a.loc), asCity(b.loc));
      expect(km).toBeGreaterThan(500);
      expect(km / ((b.t - a.t) / HOUR)).toBeGreaterThan(900);
      expect(b.t - a.t).toBeGreaterThanOrEqual(5 * MINUTE);
      expect(signIns.every((e) => e.raw.category === 'success')).toBe(true);
    });

    it("reveal spike: one hour's reveals are at least 30 and 10x the user's usual rate", () => {
      const l = label('reveal_spike');
      const { items } = find(l.eventUuids);
      const hours = new Map<number, number>();
      for (const e of items)
        hours.set(Math.floor(e.timeMs / HOUR), (hours.get(Math.floor(e.timeMs / HOUR)) ?? 0) + 1);
      const peak = Math.max(...hours.values());
      const before = scenario.itemUsages.filter(
        (e) => e.raw.user.uuid === l.actor && e.timeMs < Date.parse(l.start),
      );
      const activeHours = new Set(before.map((e) => Math.floor(e.timeMs / HOUR))).size;
      const usual =
        before.filter((e) => e.raw.action === 'reveal').length / Math.max(1, activeHours);
      expect(peak).toBeGreaterThanOrEqual(30);
      expect(peak).toBeGreaterThanOrEqual(10 * usual);
    });

    it('sign-in brute force: at least 15 credential failures for one user within 10 minutes', () => {
      const l = label('signin_brute_force');
      const { signIns } = find(l.eventUuids);
      expect(
        signIns.every(
          (e) => e.raw.category === 'credentials_failed' && e.raw.target_user.uuid === l.actor,
        ),
      ).toBe(true);
      expect(
        maxInWindow(
          signIns.map((e) => e.timeMs),
          10 * MINUTE,
        ),
      ).toBeGreaterThanOrEqual(15);
    });

    it('password spray: one IP failing against at least 10 users', () => {
      const l = label('password_spray');
      const { signIns } = find(l.eventUuids);
      expect(l.actorType).toBe('ip');
      expect(
        signIns.every(
          (e) => e.raw.client.ip_address === l.actor && e.raw.category === 'credentials_failed',
        ),
      ).toBe(true);
      expect(new Set(signIns.map((e) => e.raw.target_user.uuid)).size).toBeGreaterThanOrEqual(10);
      expect(Date.parse(l.end) - Date.parse(l.start)).toBeLessThan(HOUR);
    });

    it('audit: MFA disabled for the account, and a vault export', () => {
      const mfa = find(label('mfa_disabled').eventUuids).audits;
      expect(mfa.map((e) => [e.raw.action, e.raw.object_type, e.raw.object_uuid])).toEqual([
        ['disblmfa', 'account', scenario.meta.accountUuid],
      ]);
      const exported = find(label('vault_export').eventUuids).audits;
      expect(exported.map((e) => [e.raw.action, e.raw.object_type])).toEqual([['export', 'vault']]);
      expect(exported[0]?.raw.object_uuid).toMatch(/^[a-z2-7]{26}$/);
    });
  });

  describe('options', () => {
    it('places attacks in the last part of a short scenario', () => {
      const short = generateScenario({ seed: 5, users: 20, days: 10, connectTokens: 1 });
      const start = Date.parse(short.meta.start);
      expect(short.labels).toHaveLength(ATTACK_KINDS.length);
      for (const l of short.labels)
        expect(Date.parse(l.start)).toBeGreaterThanOrEqual(start + 7 * DAY);
    });

    it('honours an explicit attack list, time, actor and lateness', () => {
      const base = generateScenario({ seed: 5, users: 20, days: 25, attacks: [] });
      expect(base.labels).toEqual([]);
      const actor = base.users[3]?.uuid ?? '';
      const at = new Date('2025-03-25T15:00:00.000Z');
      const s = generateScenario({
        seed: 5,
        users: 20,
        days: 25,
        attacks: [{ kind: 'bulk_export', actor, at, lateByMs: 3 * HOUR }],
      });
      expect(s.labels).toHaveLength(1);
      const l = s.labels[0];
      expect(l.actor).toBe(actor);
      expect(Date.parse(l.start) - at.getTime()).toBeLessThan(MINUTE);
      const events = s.itemUsages.filter((e) => l.eventUuids.includes(e.raw.uuid));
      expect(events.every((e) => e.availableAt - e.timeMs >= 3 * HOUR)).toBe(true);
    });

    it('scales with rate multipliers', () => {
      const quiet = generateScenario({ seed: 5, users: 20, days: 7, attacks: [] });
      const busy = generateScenario({
        seed: 5,
        users: 20,
        days: 7,
        attacks: [],
        rates: { itemUsages: 3 },
      });
      expect(busy.itemUsages.length).toBeGreaterThan(2.5 * quiet.itemUsages.length);
      // Each event kind draws from its own stream: other streams keep their counts.
      expect(busy.signInAttempts.length).toBe(quiet.signInAttempts.length);
      expect(busy.auditEvents.length).toBe(quiet.auditEvents.length);
    });

    it('refuses impossible options', () => {
      expect(() => generateScenario({ seed: 1, users: 0 })).toThrow(RangeError);
      expect(() => generateScenario({ seed: 1, days: 2, end: new Date('2000-01-01') })).toThrow(
        RangeError,
      );
      expect(() =>
        generateScenario({
          seed: 1,
          users: 5,
          days: 30,
          connectTokens: 0,
          attacks: ['connect_deny_burst'],
        }),
      ).toThrow(/Connect token/);
    });
  });
});
