import { DataSource } from 'typeorm';
import type { BaselineDetailDto, BaselinePageDto } from '../src/baselines/baselines.dto';
import { seenKeysOf } from '../src/baselines/baseline-aggregate';
import type { BaselineSnapshot, SeenValue } from '../src/baselines/baseline-snapshot';
import { DEFAULT_BASELINES_OPTIONS } from '../src/baselines/baselines.options';
import { BaselinesLearningRepository } from '../src/baselines/baselines-learning.repository';
import { BaselinesQueryRepository } from '../src/baselines/baselines-query.repository';
import { BaselinesRetentionRepository } from '../src/baselines/baselines-retention.repository';
import { BaselinesService, SEEN_VALUES_CITED } from '../src/baselines/baselines.service';
import type { DetectEvent } from '../src/events/detect-event';
import { opId } from './support/factories';
import { startTestApp, TestApp } from './support/test-app';

const ACCOUNT = opId('account', 0);

const HOUR = 3_600_000;
const DAY = 86_400_000;
// The API judges against the real clock, so the data is placed relative to it.
const THIS_HOUR = Math.floor(Date.now() / HOUR) * HOUR;

let sequence = 0;

const utcDays = (events: DetectEvent[]) =>
  new Set(events.map((event) => event.eventTime.toISOString().slice(0, 10))).size;

/** A stored event as the detection worker hands it to applyBatch. */
function detectEvent(overrides: Partial<DetectEvent> = {}): DetectEvent {
  sequence += 1;
  return {
    id: String(sequence),
    ingestedAt: new Date(),
    stream: 'item_usage',
    externalId: opId('baseline-event', sequence),
    eventTime: new Date(THIS_HOUR - HOUR),
    actorType: 'user',
    actorId: opId('user', 0),
    actorEmail: 'user0@example.com',
    actorName: 'User 0',
    connectServerId: null,
    action: 'reveal',
    result: null,
    resultDetail: null,
    objectType: null,
    objectId: null,
    auxId: null,
    vaultId: opId('vault', 0).toLowerCase(),
    itemId: opId('item', 0).toLowerCase(),
    sessionId: null,
    ip: '203.0.113.7',
    country: 'CA',
    region: 'Ontario',
    city: 'Toronto',
    latitude: 43.65,
    longitude: -79.38,
    clientApp: '1Password for Mac',
    clientVersion: '81024001',
    platform: 'macOS',
    os: 'MacOSX',
    userAgent: null,
    accountId: opId('account', 0),
    raw: {},
    ...overrides,
  };
}

const signIn = (overrides: Partial<DetectEvent>) =>
  detectEvent({
    stream: 'signin_attempt',
    action: 'signin',
    result: 'success',
    resultDetail: 'credentials_ok',
    vaultId: null,
    itemId: null,
    ...overrides,
  });

const connectRequest = (overrides: Partial<DetectEvent>) =>
  detectEvent({
    stream: 'connect_activity',
    actorType: 'connect_token',
    actorId: opId('jti', 0).toLowerCase(),
    actorEmail: null,
    actorName: null,
    connectServerId: opId('connect-server', 0).toLowerCase(),
    action: 'READ',
    result: 'SUCCESS',
    ip: '10.0.0.5',
    country: null,
    region: null,
    city: null,
    latitude: null,
    longitude: null,
    clientApp: null,
    clientVersion: null,
    platform: null,
    os: null,
    userAgent: '1Password Connect SDK/1.5.0 (Go)',
    ...overrides,
  });

describe('Baselines (e2e)', () => {
  let t: TestApp;
  let baselines: BaselinesService;
  let dataSource: DataSource;

  const asAdmin = (path: string) => t.http().get(path).set('Authorization', `Bearer ${t.adminKey}`);

  /** Learns a batch in its own transaction, as the detection worker does. */
  const apply = (events: DetectEvent[], now?: Date) =>
    dataSource.transaction((manager) => baselines.applyBatch(manager, events, now));

  const profile = async (entityType: string, entityId: string) => {
    const [row] = await t.sql<{
      event_count: string;
      active_days: number;
      first_event_at: Date;
      last_event_at: Date;
      last_location_at: Date | null;
      last_country: string | null;
      label: string | null;
      successful_signins: string;
    }>(`SELECT * FROM baseline_entities WHERE entity_type = $1 AND entity_id = $2`, [
      entityType,
      entityId,
    ]);
    return row;
  };

  const hourly = async (entityId: string) =>
    t.sql<{ action: string; hour_start: Date; count: number }>(
      `SELECT action, hour_start, count FROM baseline_hourly_counts
       WHERE entity_id = $1 ORDER BY action, hour_start`,
      [entityId],
    );

  beforeAll(async () => {
    t = await startTestApp();
    baselines = t.app.get(BaselinesService);
    dataSource = t.app.get(DataSource);
  });

  afterAll(async () => {
    await t.close();
  });

  it('keeps exact counts when two workers learn overlapping batches of the same users at once', async () => {
    const ada = opId('concurrent-user', 1);
    const bob = opId('concurrent-user', 2);
    // Enough other users that unordered upserts of the two batches would deadlock.
    const crowd = Array.from({ length: 40 }, (_, n) => opId('crowd-user', n));
    const start = THIS_HOUR - 6 * DAY;
    // Per user and batch: events over 60 hours (3 UTC days), 3 countries, 7 IPs.
    const batch = (salt: number, users: string[]) =>
      users.flatMap((actorId) =>
        Array.from({ length: crowd.includes(actorId) ? 30 : 200 }, (_, i) =>
          detectEvent({
            actorId,
            actorEmail: `${actorId.toLowerCase()}@example.com`,
            eventTime: new Date(start + ((i * 7 + salt) % 60) * HOUR + i * 1000),
            action: i % 4 === 0 ? 'copy' : 'reveal',
            country: ['CA', 'US', 'FR'][i % 3],
            ip: `10.0.${(i + salt) % 7}.1`,
          }),
        ),
      );

    const rounds = 4;
    const all: DetectEvent[] = [];
    for (let round = 0; round < rounds; round++) {
      // The two batches name the users in opposite orders: rows are still locked in one order.
      const first = batch(round, [ada, ...crowd, bob]);
      const second = batch(round + 11, [bob, ...[...crowd].reverse(), ada]);
      all.push(...first, ...second);
      let started = 0;
      let release!: () => void;
      const bothOpen = new Promise<void>((resolve) => (release = resolve));
      const together = (events: DetectEvent[]) =>
        dataSource.transaction(async (manager) => {
          await manager.query('SELECT 1');
          if (++started === 2) release();
          await bothOpen;
          await baselines.applyBatch(manager, events);
        });
      await Promise.all([together(first), together(second)]);
    }

    for (const user of [ada, bob, crowd[0], crowd[39]]) {
      const mine = all.filter((event) => event.actorId === user);
      const expectedHours = new Map<string, number>();
      for (const event of mine) {
        const key = `${event.action}|${Math.floor(event.eventTime.getTime() / HOUR) * HOUR}`;
        expectedHours.set(key, (expectedHours.get(key) ?? 0) + 1);
      }
      const rows = await hourly(user);
      expect(
        new Map(rows.map((row) => [`${row.action}|${row.hour_start.getTime()}`, row.count])),
      ).toEqual(expectedHours);

      const days = new Set(mine.map((event) => event.eventTime.toISOString().slice(0, 10)));
      const times = mine.map((event) => event.eventTime.getTime());
      expect(await profile('user', user)).toMatchObject({
        event_count: String(mine.length),
        active_days: days.size,
        first_event_at: new Date(Math.min(...times)),
        last_event_at: new Date(Math.max(...times)),
      });

      const countries = await t.sql<{ value: string; count: string }>(
        `SELECT value, count FROM baseline_seen_values
         WHERE entity_id = $1 AND dimension = 'country' ORDER BY value`,
        [user],
      );
      expect(countries.map((row) => [row.value, Number(row.count)])).toEqual(
        ['CA', 'FR', 'US'].map((country) => [
          country,
          mine.filter((event) => event.country === country).length,
        ]),
      );
      const [{ n: activeDayRows }] = await t.sql<{ n: string }>(
        `SELECT count(*) AS n FROM baseline_active_days WHERE entity_id = $1`,
        [user],
      );
      expect(Number(activeDayRows)).toBe(days.size);
    }
  });

  it('puts a late event in its own hour, and an event older than 90 days in no hour', async () => {
    const user = opId('late-user', 1);
    const recent = detectEvent({ actorId: user, eventTime: new Date(THIS_HOUR - HOUR + 60_000) });
    await apply([recent]);

    const late = detectEvent({
      actorId: user,
      eventTime: new Date(THIS_HOUR - 50 * HOUR + 10 * 60_000),
      country: 'FR',
      city: 'Paris',
      latitude: 48.86,
      longitude: 2.35,
    });
    const ancient = detectEvent({ actorId: user, eventTime: new Date(THIS_HOUR - 100 * DAY) });
    await apply([late, ancient]);

    expect(
      (await hourly(user)).map((row) => [row.action, row.hour_start.getTime(), row.count]),
    ).toEqual([
      ['reveal', THIS_HOUR - 50 * HOUR, 1],
      ['reveal', THIS_HOUR - HOUR, 1],
    ]);
    expect(await profile('user', user)).toMatchObject({
      event_count: '3',
      active_days: utcDays([recent, late, ancient]),
      first_event_at: ancient.eventTime,
      last_event_at: recent.eventTime,
      // The newest located event stays the last location.
      last_location_at: recent.eventTime,
      last_country: 'CA',
    });
    const [paris] = await t.sql<{ first_seen: Date; count: string }>(
      `SELECT first_seen, count FROM baseline_seen_values
       WHERE entity_id = $1 AND dimension = 'city' AND value = 'Paris'`,
      [user],
    );
    expect(paris).toEqual({ first_seen: late.eventTime, count: '1' });
  });

  it('loads the snapshot detection reads, for every entity of a batch at once', async () => {
    const user = opId('snapshot-user', 1);
    const jti = opId('snapshot-jti', 1).toLowerCase();
    const server = opId('snapshot-server', 1).toLowerCase();
    const userEvents = [
      detectEvent({ actorId: user, eventTime: new Date(THIS_HOUR - 2 * HOUR) }),
      detectEvent({ actorId: user, eventTime: new Date(THIS_HOUR - 2 * HOUR + 5000) }),
      signIn({ actorId: user, result: 'credentials_failed', country: 'RU', ip: '198.51.100.1' }),
    ];
    const batch = [
      ...userEvents,
      connectRequest({ actorId: jti, connectServerId: server, itemId: 'item-a' }),
    ];
    await apply(batch);

    const snapshot = await baselines.loadSnapshot(
      [
        { entityType: 'user', accountId: ACCOUNT, entityId: user },
        { entityType: 'connect_token', accountId: ACCOUNT, entityId: jti },
        { entityType: 'connect_server', accountId: ACCOUNT, entityId: server },
        { entityType: 'user', accountId: ACCOUNT, entityId: 'NEVER-SEEN' },
      ],
      new Date(THIS_HOUR - 30 * DAY),
      seenKeysOf(batch, [
        { entityType: 'user', dimension: 'country' },
        { entityType: 'connect_token', dimension: 'itemId' },
      ]),
    );

    const ada = snapshot.get('user', ACCOUNT, user)!;
    expect(ada).toMatchObject({
      entityType: 'user',
      entityId: user,
      activeDays: utcDays(userEvents),
      eventCount: 3,
      label: 'user0@example.com',
    });
    expect(ada.hourly.get('reveal')).toEqual(new Map([[THIS_HOUR - 2 * HOUR, 2]]));
    expect(ada.hourly.get('signin:credentials_failed')?.size).toBe(1);
    // A failed sign-in teaches no country.
    expect([...ada.seen.get('country')!.keys()]).toEqual(['CA']);
    expect(ada.seen.get('country')!.get('CA')).toMatchObject({ count: 2 });
    expect(ada.lastLocation).toMatchObject({ latitude: 43.65, longitude: -79.38, country: 'CA' });

    expect(snapshot.get('connect_token', ACCOUNT, jti)?.seen.get('itemId')?.has('item-a')).toBe(
      true,
    );
    expect(snapshot.get('connect_server', ACCOUNT, server)?.seen.has('itemId')).toBe(false);
    expect(snapshot.get('connect_server', ACCOUNT, server)?.hourly.get('READ')?.size).toBe(1);
    expect(snapshot.get('user', ACCOUNT, 'NEVER-SEEN')).toBeUndefined();
  });

  it("judges each pass on what the database holds, whatever another process, retention or an admin changed since this worker's last pass", async () => {
    const user = opId('cached-user', 1);
    const entity = { entityType: 'user' as const, accountId: ACCOUNT, entityId: user };
    const wanted = [
      { entityType: 'user' as const, dimension: 'ip' as const },
      { entityType: 'user' as const, dimension: 'country' as const },
    ];
    const hourlyAsked = {
      since: new Date(THIS_HOUR - 300 * DAY),
      keys: [{ ...entity, action: 'reveal' }],
    };
    const query = t.app.get(BaselinesQueryRepository);
    const serviceOver = (reads: BaselinesQueryRepository) =>
      new BaselinesService(
        t.app.get(BaselinesLearningRepository),
        reads,
        t.app.get(BaselinesRetentionRepository),
        DEFAULT_BASELINES_OPTIONS,
      );
    // Another worker process, with its own cache; and plain reads of the database.
    const elsewhere = serviceOver(query);
    const database = serviceOver(new BaselinesQueryRepository(dataSource));
    const view = (snapshot: BaselineSnapshot) => {
      const one = snapshot.get('user', ACCOUNT, user);
      if (!one) return null;
      return {
        seen: [...one.seen].map(([dimension, values]) => [dimension, [...values].sort()]).sort(),
        hourly: [...one.hourly].map(([action, hours]) => [action, [...hours].sort()]).sort(),
      };
    };
    /** One detection pass of `service`: the snapshot it judged, checked against the database's. */
    const pass = async (service: BaselinesService, events: DetectEvent[]) => {
      const seenKeys = seenKeysOf(events, wanted);
      const stored = await database.loadSnapshot([entity], hourlyAsked, seenKeys);
      const { learning, snapshot } = await dataSource.transaction(async (manager) => {
        const begun = await service.beginPass(manager);
        const judged = await begun.snapshot([entity], hourlyAsked, seenKeys);
        await begun.learn(events);
        return { learning: begun, snapshot: judged };
      });
      learning.committed();
      expect(view(snapshot)).toEqual(view(stored));
      return view(snapshot);
    };
    const at = (hoursAgo: number, ip: string) =>
      detectEvent({ actorId: user, eventTime: new Date(THIS_HOUR - hoursAgo * HOUR), ip });
    const ipsOf = (seen: ReturnType<typeof view>) =>
      new Map(
        (seen?.seen.find(([dimension]) => dimension === 'ip')?.[1] ?? []) as Array<
          [string, SeenValue]
        >,
      );

    await pass(baselines, [at(5, '192.0.2.1')]);
    await pass(baselines, [at(4, '192.0.2.1'), at(4, '192.0.2.2')]);
    // What this worker learned itself it does not read back.
    const seenReads = jest.spyOn(query, 'seenFor');
    const hourlyReads = jest.spyOn(query, 'hourlyFor');
    const third = await pass(baselines, [at(3, '192.0.2.2')]);
    expect(seenReads).not.toHaveBeenCalled();
    expect(hourlyReads).not.toHaveBeenCalled();
    seenReads.mockRestore();
    hourlyReads.mockRestore();
    expect(ipsOf(third).get('192.0.2.1')?.count).toBe(2);
    expect(third?.hourly).toEqual([
      [
        'reveal',
        [
          [THIS_HOUR - 5 * HOUR, 1],
          [THIS_HOUR - 4 * HOUR, 2],
        ],
      ],
    ]);

    // Another process learns: this worker's next pass reads what it learned.
    await pass(elsewhere, [at(3, '192.0.2.3'), at(2, '192.0.2.2')]);
    const ips = ipsOf(await pass(baselines, [at(1, '192.0.2.3')]));
    expect([...ips].map(([ip, seen]) => [ip, seen.count])).toEqual([
      ['192.0.2.1', 2],
      ['192.0.2.2', 3],
      ['192.0.2.3', 1],
    ]);

    // Retention forgets a value last seen 200 days ago, which this worker had learned.
    await pass(baselines, [at(200 * 24, '198.51.100.9')]);
    expect((await baselines.forget(new Date())).ran).toBe(true);
    expect(ipsOf(await pass(baselines, [at(1, '198.51.100.9')])).has('198.51.100.9')).toBe(false);

    // An admin forgets the user: the next pass judges a user never seen.
    await t
      .http()
      .delete(`/api/v1/baselines/${user}`)
      .set('Authorization', `Bearer ${t.adminKey}`)
      .expect(200);
    expect(await pass(baselines, [at(1, '192.0.2.1')])).toBeNull();
    // What it learns from then on starts from nothing.
    const relearned = ipsOf(await pass(baselines, [at(1, '192.0.2.2')]));
    expect([...relearned].map(([ip, seen]) => [ip, seen.count])).toEqual([['192.0.2.1', 1]]);
  });

  it('lists entities newest first, page by page, filtered by id or label prefix', async () => {
    const users = [0, 1, 2, 3, 4].map((n) => opId('pager', n));
    await apply(
      users.map((actorId, n) =>
        detectEvent({
          actorId,
          actorEmail: `Pager-${n}@Example.com`,
          // The newest is the last: Pager-4 first in the list.
          eventTime: new Date(THIS_HOUR - (10 - n) * 60_000),
          country: n % 2 ? 'US' : 'CA',
        }),
      ),
    );

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `/api/v1/baselines?actor=pager-&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await asAdmin(query).expect(200)).body as BaselinePageDto;
      pages += 1;
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((item) => item.label ?? ''));
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(pages).toBe(3);
    expect(seen).toEqual([4, 3, 2, 1, 0].map((n) => `Pager-${n}@Example.com`));

    const first = await asAdmin('/api/v1/baselines?actor=PAGER-4').expect(200);
    expect(first.body).toEqual({
      items: [
        {
          entityType: 'user',
          entityId: users[4],
          accountId: ACCOUNT,
          label: 'Pager-4@Example.com',
          firstEventAt: new Date(THIS_HOUR - 6 * 60_000).toISOString(),
          lastEventAt: new Date(THIS_HOUR - 6 * 60_000).toISOString(),
          activeDays: 1,
          eventCount: 1,
          successfulSignins: 0,
          maturity: expect.objectContaining({ state: 'learning', reason: null }),
          topCountries: [{ value: 'CA', count: 1 }],
        },
      ],
      nextCursor: null,
    });

    // By id prefix, any case.
    const byId = await asAdmin(
      `/api/v1/baselines?actor=${users[2].slice(0, 12).toLowerCase()}`,
    ).expect(200);
    expect((byId.body as BaselinePageDto).items.map((item) => item.entityId)).toContain(users[2]);

    // Everything, newest first.
    const everything = (await asAdmin('/api/v1/baselines?limit=200').expect(200))
      .body as BaselinePageDto;
    const times = everything.items.map((item) => item.lastEventAt);
    expect([...times].sort().reverse()).toEqual(times);
    expect(new Set(everything.items.map((item) => item.entityType))).toEqual(
      new Set(['user', 'connect_token', 'connect_server']),
    );

    // LIKE wildcards in the filter are taken literally.
    const wild = await asAdmin('/api/v1/baselines?actor=%25').expect(200);
    expect(wild.body.items).toEqual([]);

    const badCursor = await asAdmin('/api/v1/baselines?cursor=nope').expect(400);
    expect(badCursor.body.message).toContain('cursor');
    await asAdmin('/api/v1/baselines?limit=0').expect(400);
    await asAdmin('/api/v1/baselines?limit=abc').expect(400);
    await t.http().get('/api/v1/baselines').expect(401);
  });

  it("answers one actor's baseline with hour-of-week statistics, seen values and maturity", async () => {
    const user = opId('stats-user', 1);
    // First event three weeks (less five hours) ago; the same hour of the week then saw 2,
    // 4 and 6 reveals in three successive weeks.
    const first = THIS_HOUR - 3 * 168 * HOUR + 5 * HOUR;
    const events = [2, 4, 6].flatMap((count, week) =>
      Array.from({ length: count }, (_, i) =>
        detectEvent({
          actorId: user,
          actorEmail: 'stats@example.com',
          eventTime: new Date(first + week * 168 * HOUR + i * 60_000),
          country: week === 2 ? 'US' : 'CA',
          city: week === 2 ? 'Boston' : 'Toronto',
          latitude: week === 2 ? 42.36 : 43.65,
          longitude: week === 2 ? -71.06 : -79.38,
        }),
      ),
    );
    events.push(signIn({ actorId: user, eventTime: new Date(first + 60_000) }));
    await apply(events);

    const res = await asAdmin(`/api/v1/baselines/${user.toLowerCase()}`).expect(200);
    const body = res.body as BaselineDetailDto;
    expect(body).toMatchObject({
      entityType: 'user',
      entityId: user,
      label: 'stats@example.com',
      firstEventAt: new Date(first).toISOString(),
      activeDays: 3,
      eventCount: 13,
      successfulSignins: 1,
      maturity: { state: 'mature', reason: 'days_observed', matureAt: null },
      lastLocation: { country: 'US', city: 'Boston', latitude: 42.36, longitude: -71.06 },
      window: { from: new Date(first).toISOString() },
    });
    expect(body.window.hours).toBe((Date.parse(body.window.to) - first) / HOUR + 1);

    const reveal = body.actionRates.find((rate) => rate.action === 'reveal')!;
    expect(reveal.total).toBe(12);
    expect(reveal.hourOfWeek).toHaveLength(168);
    const cell = (ms: number) => {
      const date = new Date(ms);
      return ((date.getUTCDay() + 6) % 7) * 24 + date.getUTCHours();
    };
    expect(reveal.hourOfWeek[cell(first)]).toEqual({
      hourOfWeek: cell(first),
      weeks: 3,
      mean: 4,
      stdDev: 1.633, // population: sqrt(8 / 3)
      median: 4,
      mad: 2,
    });
    // An hour of the week without events is zero in each of its weeks.
    expect(reveal.hourOfWeek[cell(first + HOUR)]).toMatchObject({ weeks: 3, mean: 0, mad: 0 });
    expect(body.actionRates.find((rate) => rate.action === 'signin:success')?.total).toBe(1);

    const dimension = (name: string) => body.seen.find((entry) => entry.dimension === name)!;
    expect(body.seen.map((entry) => entry.dimension)).toEqual([
      'country',
      'city',
      'ip',
      'clientApp',
      'os',
      'vaultId',
      'action',
    ]);
    expect(dimension('country')).toEqual({
      dimension: 'country',
      total: 2,
      truncated: false,
      values: [
        {
          value: 'CA',
          count: 7,
          firstSeen: new Date(first).toISOString(),
          lastSeen: new Date(first + 168 * HOUR + 3 * 60_000).toISOString(),
        },
        {
          value: 'US',
          count: 6,
          firstSeen: new Date(first + 336 * HOUR).toISOString(),
          lastSeen: new Date(first + 336 * HOUR + 5 * 60_000).toISOString(),
        },
      ],
    });
    expect(
      dimension('action')
        .values.map((v) => v.value)
        .sort(),
    ).toEqual(['reveal', 'signin']);

    // Connect ids are lower-case; the answer for a token lists its items.
    const jti = opId('stats-jti', 1).toLowerCase();
    await apply([connectRequest({ actorId: jti, itemId: 'item-z' })]);
    const token = await asAdmin(`/api/v1/baselines/${jti.toUpperCase()}`).expect(200);
    expect(token.body).toMatchObject({
      entityType: 'connect_token',
      entityId: jti,
      label: null,
      lastLocation: null,
      maturity: { state: 'learning' },
    });
    expect(
      (token.body as BaselineDetailDto).seen.find((entry) => entry.dimension === 'itemId')?.values,
    ).toEqual([expect.objectContaining({ value: 'item-z', count: 1 })]);
  });

  it('calls a user mature after 10 successful sign-ins', async () => {
    const user = opId('signin-user', 1);
    await apply(
      Array.from({ length: 10 }, (_, i) =>
        signIn({ actorId: user, eventTime: new Date(THIS_HOUR - 3 * HOUR + i * 60_000) }),
      ),
    );
    const res = await asAdmin(`/api/v1/baselines/${user}`).expect(200);
    expect(res.body.maturity).toMatchObject({ state: 'mature', reason: 'successful_signins' });
    expect(res.body.successfulSignins).toBe(10);
  });

  it('asks for ?type= when a Connect token and a Connect server share an id', async () => {
    const shared = opId('shared-id', 1).toLowerCase();
    await apply([connectRequest({ actorId: shared, connectServerId: shared })]);

    const ambiguous = await asAdmin(`/api/v1/baselines/${shared}`).expect(409);
    expect(ambiguous.body.message).toContain('connect_server, connect_token');
    const server = await asAdmin(`/api/v1/baselines/${shared}?type=connect_server`).expect(200);
    expect(server.body.entityType).toBe('connect_server');
    await asAdmin(`/api/v1/baselines/${shared}?type=group`).expect(400);
    await asAdmin(`/api/v1/baselines/${shared}?type=user`).expect(404);
  });

  it('keeps the same user uuid in two accounts apart, and asks for ?account=', async () => {
    const user = opId('two-accounts-user', 1);
    const acme = opId('account', 101);
    const globex = opId('account', 102);
    await apply([
      detectEvent({ actorId: user, accountId: acme, country: 'CA' }),
      detectEvent({ actorId: user, accountId: globex, country: 'FR' }),
      detectEvent({ actorId: user, accountId: globex, country: 'FR' }),
    ]);

    const snapshot = await baselines.loadSnapshot(
      [
        { entityType: 'user', accountId: acme, entityId: user },
        { entityType: 'user', accountId: globex, entityId: user },
      ],
      new Date(THIS_HOUR - 30 * DAY),
      [],
    );
    expect(snapshot.get('user', acme, user)?.eventCount).toBe(1);
    expect(snapshot.get('user', globex, user)?.eventCount).toBe(2);
    expect(snapshot.get('user', '', user)).toBeUndefined();

    const ambiguous = await asAdmin(`/api/v1/baselines/${user}`).expect(409);
    expect(ambiguous.body.message).toContain(`user in account ${acme}`);
    expect(ambiguous.body.message).toContain('?account=');
    const inGlobex = await asAdmin(`/api/v1/baselines/${user}?account=${globex}`).expect(200);
    expect(inGlobex.body).toMatchObject({ accountId: globex, eventCount: 2 });
    expect(inGlobex.body.seen).toContainEqual(
      expect.objectContaining({
        dimension: 'country',
        values: [expect.objectContaining({ value: 'FR' })],
      }),
    );
    const bad = await asAdmin(`/api/v1/baselines/${user}?account=acme`).expect(400);
    expect(JSON.stringify(bad.body)).toContain('account must be a 1Password account id');
  });

  it('answers 404 naming an unknown actor', async () => {
    const res = await asAdmin('/api/v1/baselines/NO-SUCH-ACTOR').expect(404);
    expect(res.body).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: 'No baseline for actor NO-SUCH-ACTOR',
    });
  });

  it('forgets an actor on an admin request, and refuses a viewer', async () => {
    const user = opId('forget-user', 1);
    await apply([
      detectEvent({ actorId: user, eventTime: new Date(THIS_HOUR - 2 * DAY) }),
      detectEvent({ actorId: user, eventTime: new Date(THIS_HOUR - HOUR), action: 'copy' }),
    ]);
    const created = await t
      .http()
      .post('/api/v1/api-keys')
      .set('Authorization', `Bearer ${t.adminKey}`)
      .send({ name: 'baseline-viewer', role: 'viewer' })
      .expect(201);
    const viewer = created.body.secret as string;

    await t
      .http()
      .get(`/api/v1/baselines/${user}`)
      .set('Authorization', `Bearer ${viewer}`)
      .expect(200);
    const refused = await t
      .http()
      .delete(`/api/v1/baselines/${user}`)
      .set('Authorization', `Bearer ${viewer}`)
      .expect(403);
    expect(refused.body.message).toContain('admin');

    const res = await t
      .http()
      .delete(`/api/v1/baselines/${user.toLowerCase()}`)
      .set('Authorization', `Bearer ${t.adminKey}`)
      .expect(200);
    expect(res.body).toEqual({
      entityType: 'user',
      entityId: user,
      accountId: ACCOUNT,
      deleted: { profile: 1, activeDays: 2, hourlyCounts: 2, seenValues: 8 },
    });
    for (const table of [
      'baseline_entities',
      'baseline_active_days',
      'baseline_hourly_counts',
      'baseline_seen_values',
    ]) {
      const [{ n }] = await t.sql<{ n: string }>(
        `SELECT count(*) AS n FROM ${table} WHERE entity_id = $1`,
        [user],
      );
      expect(`${table}: ${n}`).toBe(`${table}: 0`);
    }
    await asAdmin(`/api/v1/baselines/${user}`).expect(404);
    await t
      .http()
      .delete(`/api/v1/baselines/${user}`)
      .set('Authorization', `Bearer ${t.adminKey}`)
      .expect(404);
  });

  it('forgets hourly counts after 90 days and values unseen for 180 days', async () => {
    const user = opId('retention-user', 1);
    const longAgo = new Date(THIS_HOUR - 200 * DAY);
    // Learned at the time (so the hourly count was written), and once recently.
    await apply([detectEvent({ actorId: user, eventTime: longAgo, ip: '192.0.2.1' })], longAgo);
    await apply(
      [detectEvent({ actorId: user, eventTime: new Date(THIS_HOUR - 95 * DAY), ip: '192.0.2.2' })],
      new Date(THIS_HOUR - 95 * DAY),
    );
    await apply([detectEvent({ actorId: user, eventTime: new Date(THIS_HOUR - HOUR) })]);
    expect(await hourly(user)).toHaveLength(3);

    const result = await baselines.forget(new Date());
    expect(result.ran).toBe(true);

    expect((await hourly(user)).map((row) => row.hour_start.getTime())).toEqual([THIS_HOUR - HOUR]);
    const ips = await t.sql<{ value: string }>(
      `SELECT value FROM baseline_seen_values WHERE entity_id = $1 AND dimension = 'ip'
       ORDER BY value`,
      [user],
    );
    expect(ips.map((row) => row.value)).toEqual(['192.0.2.2', '203.0.113.7']);
    // The profile stays: first event and active days are history, not retention.
    expect(await profile('user', user)).toMatchObject({ first_event_at: longAgo, active_days: 3 });
  });

  it('keeps at most the cap of values per token and dimension, evicting the least recently seen', async () => {
    const cap = 50;
    const capped = new BaselinesService(
      t.app.get(BaselinesLearningRepository),
      t.app.get(BaselinesQueryRepository),
      t.app.get(BaselinesRetentionRepository),
      { ...DEFAULT_BASELINES_OPTIONS, seenValuesPerDimension: cap },
    );
    const jti = opId('rotating-jti', 1).toLowerCase();
    const start = THIS_HOUR - 10 * HOUR;
    // An attacker rotates user agents and IPs through one token: 400 distinct of each, in
    // batches of 100, one second apart (value i is the i-th most recent from the end).
    const rotating = (i: number) =>
      connectRequest({
        actorId: jti,
        eventTime: new Date(start + i * 1000),
        userAgent: `agent-${i}`,
        ip: `198.51.${Math.floor(i / 250)}.${i % 250}`,
      });
    for (let batch = 0; batch < 4; batch++) {
      const events = Array.from({ length: 100 }, (_, j) => rotating(batch * 100 + j));
      await dataSource.transaction((manager) => capped.applyBatch(manager, events));
    }
    const stored = async (dimension: string) =>
      (
        await t.sql<{ value: string }>(
          `SELECT value FROM baseline_seen_values
           WHERE entity_type = 'connect_token' AND entity_id = $1 AND dimension = $2
           ORDER BY last_seen`,
          [jti, dimension],
        )
      ).map((row) => row.value);
    const agents = await stored('userAgent');
    expect(agents).toHaveLength(cap);
    // The 50 most recent are kept, the older ones were evicted first.
    expect(agents).toEqual(Array.from({ length: cap }, (_, i) => `agent-${350 + i}`));
    expect(await stored('ip')).toHaveLength(cap);

    // A value seen again becomes recent and survives the next eviction; the oldest goes.
    await dataSource.transaction((manager) =>
      capped.applyBatch(manager, [
        connectRequest({
          actorId: jti,
          eventTime: new Date(start + 500_000),
          userAgent: 'agent-350',
        }),
        connectRequest({
          actorId: jti,
          eventTime: new Date(start + 500_001),
          userAgent: 'agent-new',
        }),
      ]),
    );
    const after = await stored('userAgent');
    expect(after).toHaveLength(cap);
    expect(after).toContain('agent-350');
    expect(after).not.toContain('agent-351');
    expect(after.at(-1)).toBe('agent-new');

    // A batch loads what it asks about plus a few frequent values, not the whole baseline.
    const asked = [
      rotating(1000),
      rotating(1001),
      connectRequest({ actorId: jti, userAgent: 'agent-399' }),
    ];
    const snapshot = await capped.loadSnapshot(
      [{ entityType: 'connect_token', accountId: ACCOUNT, entityId: jti }],
      new Date(start),
      seenKeysOf(asked, [{ entityType: 'connect_token', dimension: 'userAgent' }]),
    );
    const loaded = snapshot.get('connect_token', ACCOUNT, jti)!.seen;
    expect([...loaded.keys()]).toEqual(['userAgent']);
    expect(loaded.get('userAgent')!.has('agent-399')).toBe(true);
    expect(loaded.get('userAgent')!.has('agent-1000')).toBe(false);
    expect(loaded.get('userAgent')!.size).toBeLessThanOrEqual(1 + SEEN_VALUES_CITED);
  });
});
