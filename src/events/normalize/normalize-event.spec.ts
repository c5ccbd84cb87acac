import { readFileSync } from 'node:fs';
import { join } from 'node:path';
// Every field of the Connect 1.7.1 APIRequest schema, spec spelling (requestId,
// actor.requestIp); the spec has no example, so values are made up in the documented formats.
import connectRequest from './fixtures/connect-api-request.json';
import { normalizeEvent } from './normalize-event';
import type { NormalizedEvent, NormalizeResult, Stream } from './normalized-event';

const SAMPLES_DIR = join(__dirname, '../../../test/fixtures/samples');

function sampleLines(file: string): string[] {
  const lines = readFileSync(join(SAMPLES_DIR, file), 'utf8').split('\n');
  return lines.filter((line) => line.trim() !== '');
}

function sampleLine(file: string, index: number): string {
  const line = sampleLines(file).at(index);
  if (line === undefined) throw new Error(`${file} has no line ${String(index + 1)}`);
  return line;
}

function parse(line: string): unknown {
  return JSON.parse(line);
}

function accepted(result: NormalizeResult): NormalizedEvent {
  if (!result.ok) throw new Error(`expected ok, got "${result.reason}"`);
  return result.event;
}

function reason(result: NormalizeResult): { reason: string; externalId: string | null } {
  if (result.ok) throw new Error('expected a rejection');
  return { reason: result.reason, externalId: result.externalId };
}

/** Normalizes a sample line and checks `raw` is the same object, left as parsed. */
function normalizeLine(stream: Stream, line: string): NormalizedEvent {
  const raw = parse(line);
  const event = accepted(normalizeEvent(stream, raw));
  expect(event.raw).toBe(raw);
  expect(raw).toEqual(parse(line));
  return event;
}

function docsSpelling(): Record<string, unknown> {
  const { requestId, actor, ...rest } = structuredClone(connectRequest);
  const { requestIp, ...actorRest } = actor;
  return { requestID: requestId, ...rest, actor: { ...actorRest, ip: requestIp } };
}

describe('normalizeEvent: samples from outside the project, verbatim', () => {
  const usage = sampleLine('elastic-itemusages.ndjson', 0);
  const usageWithoutActionOrLocation = sampleLine('elastic-itemusages.ndjson', 1);
  const signin = sampleLine('elastic-signinattempts.ndjson', 0);
  const failedSignin = sampleLine('elastic-signinattempts.ndjson', 1);
  const audit = sampleLine('elastic-auditevents.ndjson', 0);
  const auditDuplicate = sampleLine('elastic-auditevents.ndjson', 1);

  it('accepts every line of every sample file', () => {
    const files: [string, Stream][] = [
      ['elastic-itemusages.ndjson', 'item_usage'],
      ['elastic-signinattempts.ndjson', 'signin_attempt'],
      ['elastic-auditevents.ndjson', 'audit_event'],
    ];
    for (const [file, stream] of files) {
      for (const line of sampleLines(file)) expect(normalizeLine(stream, line).stream).toBe(stream);
    }
  });

  it('maps an item usage, with "Canada" as CA and ids in join case', () => {
    expect(normalizeLine('item_usage', usage)).toEqual({
      stream: 'item_usage',
      externalId: 'MCQODBBWJD5HISKYNP3HJPV2DV',
      eventTime: new Date('2021-08-30T18:57:42.484Z'),
      actorType: 'user',
      actorId: 'OJQGU46KAPROEJLCK674RHSAY5',
      actorEmail: 'email@1password.com',
      actorName: 'Name',
      connectServerId: null,
      action: 'reveal',
      result: null,
      resultDetail: null,
      objectType: null,
      objectId: null,
      auxId: null,
      vaultId: 'jaqxqf5qylslqiitnduawrndc5',
      itemId: 'bvwmmwxisuca7wbehrbyqhag54',
      sessionId: null,
      ip: '89.160.20.156',
      country: 'CA',
      region: 'Ontario',
      city: 'Toronto',
      latitude: 43.64,
      longitude: -79.433,
      clientApp: '1Password Browser Extension',
      clientVersion: '1109',
      platform: 'Chrome',
      os: 'Android',
      userAgent: null,
      accountId: null,
      raw: expect.objectContaining({ uuid: 'MCQODBBWJD5HISKYNP3HJPV2DV' }) as unknown,
    });
  });

  it('treats an item usage without action as `other` and without location as no place', () => {
    const event = normalizeLine('item_usage', usageWithoutActionOrLocation);
    expect(event).toMatchObject({
      externalId: '5HBWJDWCQADISKY2DVBNP3HJPV',
      action: 'other',
      country: null,
      region: null,
      city: null,
      latitude: null,
      longitude: null,
      ip: '89.160.20.156',
    });
  });

  it('maps a sign-in attempt with details null and the top-level country', () => {
    const event = normalizeLine('signin_attempt', signin);
    expect(event.raw.details).toBeNull();
    expect(event).toMatchObject({
      stream: 'signin_attempt',
      externalId: 'HGIF4OEWXDTVWKEQDIWTKV26HU',
      eventTime: new Date('2021-08-11T14:28:03Z'),
      actorType: 'user',
      actorId: 'OJQGU46KAPROEJLCK674RHSAY5',
      actorEmail: 'email@1password.com',
      action: 'signin',
      result: 'success',
      resultDetail: 'credentials_ok',
      sessionId: 'UED4KFZ5BH37IQWTJ7LG4VPWK7',
      country: 'AR',
      ip: '89.160.20.156',
      clientApp: '1Password Browser Extension',
    });
    expect(normalizeLine('signin_attempt', failedSignin)).toMatchObject({
      result: 'credentials_failed',
      resultDetail: 'password_secret_bad',
    });
  });

  it('maps an audit event with a nanosecond timestamp and ip from the session', () => {
    const event = normalizeLine('audit_event', audit);
    expect(event).toMatchObject({
      stream: 'audit_event',
      externalId: '3UQOGUC7DVOCN4OZP2MDKHFLSG',
      actorType: 'user',
      actorId: 'GLF6WUEKS5CSNDJ2OG6TCZD3M4',
      actorEmail: 'test.actor@domain.com',
      actorName: 'Test Actor',
      action: 'suspend',
      objectType: 'user',
      objectId: 'ZRQCUD6A65AKHFETOUFO7NL4OM',
      sessionId: 'ODOHXUYQCJBUJKRGZNNPBJURPE',
      ip: '89.160.20.156',
      country: 'CA',
      city: 'Toronto',
    });
    expect(event.eventTime.toISOString()).toBe('2022-10-24T21:16:52.827Z');
    expect(event.raw.timestamp).toBe('2022-10-24T21:16:52.827288935Z');
  });

  it('gives the duplicate audit event the same external id, so storage keeps one', () => {
    const first = normalizeLine('audit_event', audit);
    const second = normalizeLine('audit_event', auditDuplicate);
    expect(second.externalId).toBe(first.externalId);
    expect(second.country).toBeNull();
  });
});

describe('normalizeEvent: Connect activity', () => {
  const expected = {
    stream: 'connect_activity',
    externalId: '1d37a2b4-6f41-4b1c-9c7e-2e8f0a5b3c91',
    eventTime: new Date('2021-11-29T17:15:43.123Z'),
    actorType: 'connect_token',
    actorId: '6q2qsgrwx5at2yxq6u54sxz6ue',
    connectServerId: '4sx2cuyhbbau7nxjm2huw7gpze',
    accountId: 'QHQ4RVHPBVB4VLFG3NUMPJ6X5E',
    userAgent: '1Password Connect SDK/1.2.0 (go1.21)',
    ip: '172.18.0.1',
    action: 'READ',
    result: 'SUCCESS',
    vaultId: 'jaqxqf5qylslqiitnduawrndc5',
    itemId: 'bvwmmwxisuca7wbehrbyqhag54',
    actorEmail: null,
    country: null,
    clientApp: null,
  };

  it('maps the spec spelling (requestId, actor.requestIp)', () => {
    const raw = structuredClone(connectRequest);
    const event = accepted(normalizeEvent('connect_activity', raw));
    expect(event).toMatchObject(expected);
    expect(event.raw).toBe(raw);
    expect(raw).toEqual(connectRequest);
  });

  it('maps the docs spelling (requestID, actor.ip)', () => {
    expect(accepted(normalizeEvent('connect_activity', docsSpelling()))).toMatchObject(expected);
  });

  it('falls back to a top-level ip', () => {
    const raw = structuredClone(connectRequest) as Record<string, unknown>;
    raw.actor = { ...connectRequest.actor, requestIp: undefined };
    raw.ip = '10.0.0.9';
    expect(accepted(normalizeEvent('connect_activity', raw)).ip).toBe('10.0.0.9');
  });

  it('accepts a request without actor or resource', () => {
    const raw = { requestId: 'ABC', timestamp: '2021-11-29T17:15:43Z', action: 'READ' };
    expect(accepted(normalizeEvent('connect_activity', raw))).toMatchObject({
      externalId: 'abc',
      actorType: null,
      actorId: null,
      vaultId: null,
    });
  });
});

describe('normalizeEvent: open enumerations', () => {
  const base = { uuid: 'evt1', timestamp: '2024-01-02T03:04:05Z' };

  it.each<[Stream, Record<string, unknown>, Partial<NormalizedEvent>]>([
    ['item_usage', { ...base, action: 'teleport' }, { action: 'teleport' }],
    [
      'signin_attempt',
      { ...base, category: 'quantum_failed', type: 'retina_bad' },
      { result: 'quantum_failed', resultDetail: 'retina_bad' },
    ],
    ['signin_attempt', { ...base, type: 'u2f_timout' }, { resultDetail: 'u2f_timout' }],
    [
      'audit_event',
      { ...base, action: 'frobnicate', object_type: 'widget' },
      { action: 'frobnicate', objectType: 'widget' },
    ],
    [
      'connect_activity',
      { requestId: 'r1', timestamp: base.timestamp, action: 'PATCH', result: 'MAYBE' },
      { action: 'PATCH', result: 'MAYBE' },
    ],
  ])('%s keeps unknown values as they are', (stream, raw, expected) => {
    expect(accepted(normalizeEvent(stream, raw))).toMatchObject(expected);
  });

  it('keeps a country it cannot map as received', () => {
    const raw = { ...base, country: 'Atlantis' };
    expect(accepted(normalizeEvent('signin_attempt', raw)).country).toBe('Atlantis');
  });
});

describe('normalizeEvent: case normalisation', () => {
  it('upper-cases Events uuids and lower-cases vault and item uuids', () => {
    const raw = {
      uuid: 'abc',
      timestamp: '2024-01-02T03:04:05Z',
      vault_uuid: 'VAULT',
      item_uuid: 'ITEM',
      account_uuid: 'acct',
      user: { uuid: 'user1' },
    };
    expect(accepted(normalizeEvent('item_usage', raw))).toMatchObject({
      externalId: 'ABC',
      vaultId: 'vault',
      itemId: 'item',
      accountId: 'ACCT',
      actorId: 'USER1',
    });
  });

  it('upper-cases audit actor, object, aux and session uuids', () => {
    const raw = {
      uuid: 'a',
      timestamp: '2024-01-02T03:04:05Z',
      actor_uuid: 'actor',
      object_uuid: 'obj',
      aux_uuid: 'aux',
      session: { uuid: 'sess' },
    };
    expect(accepted(normalizeEvent('audit_event', raw))).toMatchObject({
      actorId: 'ACTOR',
      objectId: 'OBJ',
      auxId: 'AUX',
      sessionId: 'SESS',
    });
  });
});

describe('normalizeEvent: rejections', () => {
  const good = parse(sampleLine('elastic-itemusages.ndjson', 0)) as Record<string, unknown>;
  const goodId = 'MCQODBBWJD5HISKYNP3HJPV2DV';
  const usage = (patch: Record<string, unknown>): NormalizeResult =>
    normalizeEvent('item_usage', { ...good, ...patch });

  it.each<[string, unknown]>([
    ['null', null],
    ['a string', 'hello'],
    ['a number', 7],
    ['an array', [good]],
  ])('rejects %s as not an object', (_name, raw) => {
    expect(reason(normalizeEvent('item_usage', raw))).toEqual({
      reason: 'event: must be a JSON object',
      externalId: null,
    });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['missing uuid', { uuid: undefined }, 'uuid: missing'],
    ['null uuid', { uuid: null }, 'uuid: missing'],
    ['empty uuid', { uuid: '' }, 'uuid: must not be empty'],
    ['numeric uuid', { uuid: 42 }, 'uuid: must be a string'],
  ])('rejects %s without an external id', (_name, patch, expected) => {
    expect(reason(usage(patch))).toEqual({ reason: expected, externalId: null });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['missing timestamp', { timestamp: undefined }, 'timestamp: missing'],
    ['numeric timestamp', { timestamp: 1630349862484 }, 'timestamp: must be a string'],
    ['date-only timestamp', { timestamp: '2021-08-30' }, 'timestamp: not an RFC 3339 time'],
    ['impossible date', { timestamp: '2021-02-30T00:00:00Z' }, 'timestamp: not an RFC 3339 time'],
    ['prose timestamp', { timestamp: 'yesterday' }, 'timestamp: not an RFC 3339 time'],
    [
      'year 0000',
      { timestamp: '0000-06-01T00:00:00Z' },
      'timestamp: outside years 0001 to 9999 (UTC)',
    ],
    [
      'a time past 9999',
      { timestamp: '9999-12-31T23:59:59-01:00' },
      'timestamp: outside years 0001 to 9999 (UTC)',
    ],
  ])('rejects %s and still reports the id', (_name, patch, expected) => {
    expect(reason(usage(patch))).toEqual({ reason: expected, externalId: goodId });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['an id of 129 characters', { uuid: 'A'.repeat(129) }, 'uuid: longer than 128 characters'],
    ['an id holding NUL', { uuid: 'ABC\u0000' }, 'uuid: holds NUL characters or lone surrogates'],
    [
      'an id with a lone surrogate',
      { uuid: 'ABC\uD800' },
      'uuid: holds NUL characters or lone surrogates',
    ],
  ])('rejects %s as an unusable id', (_name, patch, expected) => {
    expect(reason(usage(patch))).toEqual({ reason: expected, externalId: null });
  });
});

/** `field: reason` of each field the event lost or had made safe. */
function issues(result: NormalizeResult): string[] {
  return (accepted(result).issues ?? []).map((issue) => `${issue.field}: ${issue.reason}`);
}

describe('normalizeEvent: a bad field costs the field, not the event', () => {
  const good = parse(sampleLine('elastic-itemusages.ndjson', 0)) as Record<string, unknown>;
  const goodId = 'MCQODBBWJD5HISKYNP3HJPV2DV';
  const usage = (patch: Record<string, unknown>): NormalizeResult =>
    normalizeEvent('item_usage', { ...good, ...patch });

  it.each<[string, Record<string, unknown>, string, Partial<NormalizedEvent>]>([
    ['user not an object', { user: 'bob' }, 'user: must be an object', { actorId: null }],
    ['user as an array', { user: [] }, 'user: must be an object', { actorEmail: null }],
    ['numeric user uuid', { user: { uuid: 7 } }, 'user.uuid: must be a string', { actorId: null }],
    ['numeric action', { action: 3 }, 'action: must be a string', { action: 'other' }],
    ['numeric vault uuid', { vault_uuid: 1 }, 'vault_uuid: must be a string', { vaultId: null }],
    [
      'client not an object',
      { client: 'chrome' },
      'client: must be an object',
      { clientApp: null },
    ],
    [
      'numeric client ip',
      { client: { ip_address: 1 } },
      'client.ip_address: must be a string',
      { ip: null },
    ],
    [
      'client ip that is no address',
      { client: { ip_address: 'not-an-ip' } },
      'client.ip_address: not an IP address',
      { ip: null },
    ],
    [
      'location not an object',
      { location: 'Toronto' },
      'location: must be an object',
      { city: null },
    ],
    [
      'numeric country',
      { location: { country: 124, city: 'Oslo' } },
      'location.country: must be a string',
      { country: null, city: 'Oslo' },
    ],
    [
      'latitude as a string',
      { location: { latitude: '43.64' } },
      'location.latitude: must be a finite number',
      { latitude: null },
    ],
    [
      'latitude infinite',
      { location: { latitude: Infinity } },
      'location.latitude: must be a finite number',
      { latitude: null },
    ],
    [
      'latitude out of range',
      { location: { latitude: 77_303_399, longitude: 10, city: 'Oslo' } },
      'location.latitude: out of range [-90, 90]',
      { latitude: null, longitude: 10, city: 'Oslo' },
    ],
    [
      'longitude out of range',
      { location: { longitude: -180.5 } },
      'location.longitude: out of range [-180, 180]',
      { longitude: null },
    ],
    [
      'a vault uuid of 129 characters',
      { vault_uuid: 'v'.repeat(129) },
      'vault_uuid: longer than 128 characters',
      { vaultId: null },
    ],
  ])('stores the event without %s and says why', (_name, patch, expected, fields) => {
    const result = usage(patch);
    expect(issues(result)).toEqual([expected]);
    expect(accepted(result)).toMatchObject({ externalId: goodId, ...fields });
  });

  it('names the field in each stream', () => {
    const ts = '2024-01-02T03:04:05Z';
    expect(
      issues(normalizeEvent('signin_attempt', { uuid: 'a', timestamp: ts, country: 1 })),
    ).toEqual(['country: must be a string']);
    expect(
      issues(normalizeEvent('signin_attempt', { uuid: 'a', timestamp: ts, target_user: 1 })),
    ).toEqual(['target_user: must be an object']);
    expect(
      issues(normalizeEvent('audit_event', { uuid: 'a', timestamp: ts, session: { ip: 1 } })),
    ).toEqual(['session.ip: must be a string']);
    expect(
      issues(normalizeEvent('audit_event', { uuid: 'a', timestamp: ts, actor_details: [] })),
    ).toEqual(['actor_details: must be an object']);
  });

  it('rejects Connect requests with a bad id and keeps those with a bad actor or vault', () => {
    const withoutId: Record<string, unknown> = { ...connectRequest };
    delete withoutId.requestId;
    expect(reason(normalizeEvent('connect_activity', withoutId))).toEqual({
      reason: 'requestId: missing',
      externalId: null,
    });
    expect(reason(normalizeEvent('connect_activity', { ...connectRequest, requestId: 5 }))).toEqual(
      { reason: 'requestId: must be a string', externalId: null },
    );
    const badActor = { ...connectRequest, actor: { ...connectRequest.actor, jti: {} } };
    expect(issues(normalizeEvent('connect_activity', badActor))).toEqual([
      'actor.jti: must be a string',
    ]);
    expect(accepted(normalizeEvent('connect_activity', badActor))).toMatchObject({
      externalId: '1d37a2b4-6f41-4b1c-9c7e-2e8f0a5b3c91',
      actorId: null,
      actorType: null,
    });
    const badVault = { ...connectRequest, resource: { vault: 'v' } };
    expect(issues(normalizeEvent('connect_activity', badVault))).toEqual([
      'resource.vault: must be an object',
    ]);
  });

  it('makes names safe and short, keeping the rest of the event', () => {
    const name = `Mallory\u0000${'x'.repeat(300)}`;
    const event = accepted(usage({ user: { uuid: 'u1', name, email: 'a\uDC00@x' } }));
    expect(event.actorName).toBe(`Mallory\uFFFD${'x'.repeat(248)}`);
    expect(event.actorEmail).toBe('a\uFFFD@x');
    expect(issues(usage({ user: { uuid: 'u1', name, email: 'a\uDC00@x' } }))).toEqual([
      'user.name: NUL characters or lone surrogates replaced by U+FFFD',
      'user.name: truncated from 308 to 256 characters',
      'user.email: NUL characters or lone surrogates replaced by U+FFFD',
      expect.stringMatching(/^raw: raw\.user\.name: NUL/),
      expect.stringMatching(/^raw: raw\.user\.email: NUL/),
    ]);
    expect((event.raw.user as { name: string }).name).toBe(name.replace('\u0000', '\uFFFD'));
  });

  it('leaves a clean event without issues and its raw copy untouched', () => {
    const raw = { ...good };
    const event = accepted(normalizeEvent('item_usage', raw));
    expect(event.issues).toBeUndefined();
    expect(event.raw).toBe(raw);
  });

  it('rejects a stream name it does not know instead of throwing', () => {
    expect(reason(normalizeEvent('bogus' as Stream, good)).reason).toBe('stream: unknown');
  });
});
