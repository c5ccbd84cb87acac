import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { EventsService } from '../src/events/events.service';
import { detectStream } from '../src/events/normalize/detect-stream';
import { normalizeEvent } from '../src/events/normalize/normalize-event';
import { RejectedEventsRetentionService } from '../src/events/rejected-events-retention.service';
import { auditEvent, itemUsage, opId, signInAttempt } from './support/factories';
import { POISON_KINDS, POISON_NAMES, unusable, type PoisonKind } from '../simulator/poison';
import { startTestApp, TestApp } from './support/test-app';
import { waitFor } from './support/wait-for';

interface PushAnswer {
  accepted: number;
  duplicates: number;
  rejected: Array<{ index: number; reason: string }>;
}

const TIME = new Date('2026-11-20T12:00:00Z');
const FACTORIES = [itemUsage, signInAttempt, auditEvent];

describe('POST /api/v1/events with hostile bodies', () => {
  let t: TestApp;
  let serial = 0;

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  const auth = () => ({ authorization: `Bearer ${t.adminKey}` });
  const push = (contentType: string | null, body: string | Buffer) => {
    const request = t.http().post('/api/v1/events').set('authorization', `Bearer ${t.adminKey}`);
    if (contentType !== null) request.set('content-type', contentType);
    return request.send(body);
  };

  /** A good event with an id no other test uses, and the id as stored. */
  const goodEvent = (kind = serial) => {
    const event = FACTORIES[kind % FACTORIES.length](1_000_000 + serial++, TIME, {
      uuid: randomUUID().toUpperCase(),
    }) as Record<string, unknown>;
    return { event, id: String(event.uuid) };
  };

  const storedCount = async (ids: string[]) => {
    const rows = await t.sql<{ external_id: string; n: string }>(
      `SELECT external_id, count(*) AS n FROM events WHERE external_id = ANY($1) GROUP BY external_id`,
      [ids],
    );
    return new Map(rows.map((row) => [row.external_id, Number(row.n)]));
  };

  it.each(POISON_NAMES)(
    'stores an event poisoned with %s, made safe, beside the good ones',
    async (kind: PoisonKind) => {
      const before = goodEvent();
      const poisoned = goodEvent();
      const after = goodEvent();
      const body = [before.event, POISON_KINDS[kind](poisoned.event), after.event]
        .map((event) => JSON.stringify(event))
        .join('\n');
      const response = await push('application/x-ndjson', body);

      expect(response.status).toBe(200);
      expect(response.body).toEqual({ accepted: 3, duplicates: 0, rejected: [] });
      const [row] = await t.sql<{ raw: unknown; issues: Array<{ field: string; reason: string }> }>(
        `SELECT raw, issues FROM events WHERE external_id = $1`,
        [poisoned.id],
      );
      expect(row.issues.length).toBeGreaterThan(0);
      expect(JSON.stringify(row.raw)).not.toMatch(/\\u0000|\\ud[89ab]/i);
    },
  );

  it('drops an impossible coordinate, IP or id and says why, keeping who did what', async () => {
    const { event, id } = goodEvent(0);
    const response = await push(
      'application/json',
      JSON.stringify([POISON_KINDS.outOfDomain(event)]),
    );
    expect(response.body).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    const [row] = await t.sql(`SELECT * FROM events WHERE external_id = $1`, [id]);
    expect(row).toMatchObject({
      action: 'reveal',
      latitude: null,
      longitude: null,
      ip: null,
      city: 'Oslo',
    });
    expect(row.actor_id).toBe((event.user as { uuid: string }).uuid);
    expect(row.issues).toEqual([
      { field: 'client.ip_address', reason: 'not an IP address' },
      { field: 'location.latitude', reason: 'out of range [-90, 90]' },
      { field: 'location.longitude', reason: 'out of range [-180, 180]' },
    ]);
    const metrics = await t.http().get('/metrics');
    expect(metrics.text).toMatch(
      /vaultwatch_event_field_issues_total\{stream="item_usage",field="location.latitude"\} [1-9]/,
    );
  });

  it('shows what an event lost in the evidence of the incident it opened', async () => {
    const admin = opId('poison-admin', 1);
    const event = auditEvent(9_000_001, new Date(), {
      uuid: randomUUID().toUpperCase(),
      action: 'disblmfa',
      object_type: 'account',
      actor_uuid: admin,
      actor_details: { uuid: admin, name: 'Mal\u0000lory', email: 'mallory@example.com' },
      location: { country: 'CA', latitude: 77_303_399, longitude: 10 },
    });
    await push('application/json', JSON.stringify([event])).expect(200);

    let detail: {
      alerts: Array<{ evidence: Array<{ issues: unknown; fields: unknown }> }>;
    } | null = null;
    await waitFor('an incident about the poisoned event', async () => {
      const page = await t.http().get('/api/v1/incidents').query({ actor: admin }).set(auth());
      const id = (page.body.items as Array<{ id: string }>).at(0)?.id;
      if (id === undefined) return false;
      detail = (await t.http().get(`/api/v1/incidents/${id}`).set(auth())).body;
      return true;
    });
    const [evidence] = detail!.alerts[0].evidence;
    expect(evidence.fields).toMatchObject({
      actorId: admin,
      actorName: 'Mal\uFFFDlory',
      latitude: null,
    });
    expect(evidence.issues).toEqual([
      {
        field: 'actor_details.name',
        reason: 'NUL characters or lone surrogates replaced by U+FFFD',
      },
      { field: 'location.latitude', reason: 'out of range [-90, 90]' },
      {
        field: 'raw',
        reason: 'raw.actor_details.name: NUL characters or lone surrogates replaced by U+FFFD',
      },
    ]);
  });

  it('records each unusable object with its index and reason, stores the rest once', async () => {
    const good = goodEvent(0);
    const bad = unusable(goodEvent(0).event);
    const body = [good.event, ...bad.map((entry) => entry.raw)]
      .map((value) => JSON.stringify(value))
      .join('\n');
    const response = await push('application/x-ndjson', body);

    expect(response.status).toBe(200);
    expect(response.body.accepted).toBe(1);
    expect((response.body as PushAnswer).rejected.map((r) => r.index)).toEqual(
      bad.map((_, index) => index + 1),
    );
    const again = await push('application/x-ndjson', body);
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 1 });
    // Each kept once, with its position in the body: the second delivery added no rows.
    const rows = await t.sql<{ position: number; reason: string }>(
      `SELECT position, reason FROM rejected_events WHERE reason = ANY($1) ORDER BY position`,
      [(response.body as PushAnswer).rejected.map((r) => r.reason)],
    );
    expect(rows.map(({ position, reason }) => ({ index: position, reason }))).toEqual(
      (response.body as PushAnswer).rejected,
    );
  });

  it('answers 2xx, 400, 413 or 415 for bodies the parsers find hard', async () => {
    const good = goodEvent(0);
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const deepObject = `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`;
    const cases: Array<[string, string | null, string | Buffer, number[]]> = [
      ['a 100,000-deep JSON array', 'application/json', deep, [200]],
      ['a 100,000-deep object on an NDJSON line', 'application/x-ndjson', deepObject, [200]],
      [
        'an event holding a 100,000-deep field',
        'application/json',
        JSON.stringify([{ ...good.event, x: 1 }]).replace('"x":1', `"x":${deepObject}`),
        [200],
      ],
      [
        'a byte order mark before JSON',
        'application/json',
        `\uFEFF${JSON.stringify([goodEvent().event])}`,
        [200],
      ],
      [
        'a byte order mark before NDJSON',
        'application/x-ndjson',
        `\uFEFF${JSON.stringify(goodEvent().event)}`,
        [200],
      ],
      ['XML', 'application/xml', '<events/>', [415]],
      ['no content type', null, JSON.stringify([goodEvent().event]), [415]],
      ['a charset iconv does not know', 'application/json; charset=klingon', '[]', [415]],
      [
        'duplicate and __proto__ keys',
        'application/json',
        '[{"__proto__":{"x":1},"uuid":"A","uuid":"B","timestamp":"2026-11-20T12:00:00Z","item_uuid":"i"}]',
        [200],
      ],
      ['truncated JSON', 'application/json', JSON.stringify([good.event]).slice(0, 50), [400]],
      ['a bare string', 'application/json', '"hello"', [400]],
      [
        '5 MB of one string',
        'application/x-ndjson',
        JSON.stringify({ ...goodEvent().event, note: 'n'.repeat(5_000_000) }),
        [200],
      ],
      [
        '5 MB of events',
        'application/json',
        JSON.stringify(Array.from({ length: 6000 }, () => goodEvent().event)),
        [200],
      ],
      [
        'invalid UTF-8',
        'application/x-ndjson',
        Buffer.from([0x7b, 0xff, 0xfe, 0x7d, 0x0a, 0x00]),
        [200, 400],
      ],
    ];
    for (const [what, contentType, body, statuses] of cases) {
      const response = await push(contentType, body);
      expect({ what, status: response.status }).toEqual({
        what,
        status: statuses.includes(response.status) ? response.status : statuses[0],
      });
      expect(response.body).toHaveProperty(response.status === 200 ? 'accepted' : 'message');
    }
    const encoded = async (encoding: string, body: Buffer) =>
      (
        await t
          .http()
          .post('/api/v1/events')
          .set('authorization', `Bearer ${t.adminKey}`)
          .set('content-type', 'application/json')
          .set('content-encoding', encoding)
          .send(body)
      ).status;
    expect(await encoded('gzip', Buffer.from('not gzip at all'))).toBe(400);
    expect(await encoded('compress', Buffer.from('[]'))).toBe(415);
    const utf16 = await push('application/json; charset=utf-16le', Buffer.from('[]', 'utf16le'));
    expect([200, 400, 415]).toContain(utf16.status);
  });

  it('sets aside alone an event PostgreSQL refuses even so, storing the rest of its batch', async () => {
    const batch = [goodEvent(0), goodEvent(1), goodEvent(2)].map(({ event }) => {
      const result = normalizeEvent(detectStream(event)!, event);
      if (!result.ok) throw new Error(result.reason);
      return result.event;
    });
    // Past the normalizer's guard: a NUL that text columns refuse.
    batch[1].actorName = 'Mal\u0000lory';
    const stored = await t.app.get(EventsService).storeBatch({
      sourceId: 'push',
      events: batch,
      rejections: [],
    });

    expect(stored).toMatchObject({ accepted: 2, duplicates: 0, rejected: 1 });
    expect(stored.unstorable.map((u) => u.reason)).toEqual([
      'event: not storable (SQLSTATE 22021)',
    ]);
    const counts = await storedCount(batch.map((event) => event.externalId));
    expect([...counts.values()]).toEqual([1, 1]);
    const [rejection] = await t.sql(`SELECT reason FROM rejected_events WHERE external_id = $1`, [
      batch[1].externalId,
    ]);
    expect(rejection).toEqual({ reason: 'event: not storable (SQLSTATE 22021)' });
  });

  it('prunes rejected objects past REJECTED_EVENTS_RETENTION (30 days by default)', async () => {
    await push('application/x-ndjson', '{"old": 1}\n{"recent": 2}').expect(200);
    await t.sql(
      `UPDATE rejected_events SET received_at = now() - interval '31 days' WHERE raw = '{"old": 1}'`,
    );
    await t.sql(
      `UPDATE rejected_events SET received_at = now() - interval '29 days' WHERE raw = '{"recent": 2}'`,
    );
    const deleted = await t.app.get(RejectedEventsRetentionService).runOnce();

    expect(deleted).toBeGreaterThanOrEqual(1);
    const left = await t.sql<{ raw: unknown }>(
      `SELECT raw FROM rejected_events WHERE raw IN ('{"old": 1}', '{"recent": 2}')`,
    );
    expect(left).toEqual([{ raw: { recent: 2 } }]);
  });

  describe('properties', () => {
    /** One line or element of a pushed body. */
    type Entry =
      | { kind: 'good'; factory: number; poison: PoisonKind | null }
      | { kind: 'junk'; text: string }
      | { kind: 'value'; value: unknown };

    const entry: fc.Arbitrary<Entry> = fc.oneof(
      fc.record({
        kind: fc.constant('good' as const),
        factory: fc.nat(2),
        poison: fc.option(fc.constantFrom(...POISON_NAMES.filter((k) => k !== 'deepNesting'))),
      }),
      fc.record({
        kind: fc.constant('junk' as const),
        text: fc.string({ unit: 'binary', maxLength: 30 }),
      }),
      fc.record({ kind: fc.constant('value' as const), value: fc.jsonValue({ maxDepth: 3 }) }),
    );

    const body = fc.record({
      entries: fc.array(entry, { maxLength: 12 }),
      ndjson: fc.boolean(),
      crlf: fc.boolean(),
      bom: fc.boolean(),
      contentType: fc.constantFrom(
        'application/json',
        'application/x-ndjson',
        'text/plain',
        'application/vnd.api+json',
        'application/xml',
        null,
      ),
    });

    it('never answers 5xx; stores every good event once and names every rejection', async () => {
      await fc.assert(
        fc.asyncProperty(body, async (spec) => {
          const ids: string[] = [];
          const lines = spec.entries.map((e) => {
            // In a JSON array, junk goes in as a string: one bad element, not a bad body.
            if (e.kind === 'junk') {
              return spec.ndjson ? e.text.replace(/[\r\n]/g, ' ') : JSON.stringify(e.text);
            }
            if (e.kind === 'value') return JSON.stringify(e.value);
            const { event, id } = goodEvent(e.factory);
            ids.push(id);
            return JSON.stringify(e.poison ? POISON_KINDS[e.poison](event) : event);
          });
          const text = spec.ndjson ? lines.join(spec.crlf ? '\r\n' : '\n') : `[${lines.join(',')}]`;
          const response = await push(spec.contentType, (spec.bom ? '\uFEFF' : '') + text);

          expect([200, 400, 413, 415]).toContain(response.status);
          if (response.status !== 200) return;
          const answer = response.body as PushAnswer;
          for (const rejection of answer.rejected) {
            expect(Number.isInteger(rejection.index)).toBe(true);
            expect(rejection.reason).toMatch(/\S/);
          }
          const counts = await storedCount(ids);
          for (const id of ids) expect({ id, n: counts.get(id) }).toEqual({ id, n: 1 });
        }),
        { numRuns: 150 },
      );
    });
  });
});
