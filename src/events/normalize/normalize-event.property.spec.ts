import fc from 'fast-check';
import { isIP } from 'node:net';
import { MAX_ID_LENGTH, MAX_USER_AGENT_LENGTH } from './field-readers';
import { normalizeEvent } from './normalize-event';
import { STREAMS, type NormalizedEvent } from './normalized-event';
import { isSafeText } from './storable-json';

/** Any UTF-16 text, NUL and lone surrogates included, sometimes far too long. */
const anyText = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc
    .array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 30 })
    .map((codes) => String.fromCharCode(...codes)),
  fc.nat(20_000).map((length) => 'x'.repeat(length)),
);
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  anyText,
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 2 }),
);
const usableId = fc.string({ minLength: 1, maxLength: MAX_ID_LENGTH }).filter(isSafeText);
const time = fc
  .date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z') })
  .filter((date) => !Number.isNaN(date.getTime()))
  .map((date) => date.toISOString());

/** What a schema-driven mock of the Events API 1.2.0 document serves: right types, any values. */
const schemaValid = {
  user: fc.record({ uuid: fc.string(), name: fc.string(), email: fc.string() }),
  client: fc.record({
    app_name: fc.string(),
    app_version: fc.string(),
    ip_address: fc.string(),
    os_name: fc.string(),
    os_version: fc.string(),
    platform_name: fc.string(),
    platform_version: fc.string(),
  }),
  location: fc.record({
    city: fc.string(),
    country: fc.string(),
    latitude: fc.double({ noNaN: true, noDefaultInfinity: true }),
    longitude: fc.double({ noNaN: true, noDefaultInfinity: true }),
    region: fc.string(),
  }),
};
const schemaItemUsage = fc.record({
  uuid: usableId,
  timestamp: time,
  action: fc.string(),
  item_uuid: fc.string(),
  vault_uuid: fc.string(),
  used_version: fc.integer(),
  user: schemaValid.user,
  client: schemaValid.client,
  location: schemaValid.location,
});
const schemaSigninAttempt = fc.record({
  uuid: usableId,
  timestamp: time,
  session_uuid: fc.string(),
  category: fc.string(),
  type: fc.string(),
  country: fc.string(),
  details: fc.record({ value: fc.string() }),
  target_user: schemaValid.user,
  client: schemaValid.client,
  location: schemaValid.location,
});
const schemaAuditEvent = fc.record({
  uuid: usableId,
  timestamp: time,
  actor_uuid: fc.string(),
  action: fc.string(),
  object_type: fc.string(),
  object_uuid: fc.string(),
  aux_id: fc.integer(),
  aux_uuid: fc.string(),
  aux_info: fc.string(),
  session: fc.record({ uuid: fc.string(), ip: fc.string(), login_time: time }),
  location: schemaValid.location,
});

const TEXT_FIELDS = [
  'actorEmail',
  'actorName',
  'action',
  'result',
  'resultDetail',
  'objectType',
  'country',
  'region',
  'city',
  'clientApp',
  'clientVersion',
  'platform',
  'os',
  'userAgent',
] as const;
const ID_FIELDS = [
  'actorId',
  'connectServerId',
  'objectId',
  'auxId',
  'vaultId',
  'itemId',
  'sessionId',
  'accountId',
] as const;

/** What storage and detection rely on, whatever came in. */
function expectStorable(event: NormalizedEvent): void {
  for (const field of TEXT_FIELDS) {
    const value = event[field];
    if (value === null) continue;
    expect(isSafeText(value)).toBe(true);
    expect(value.length).toBeLessThanOrEqual(MAX_USER_AGENT_LENGTH);
  }
  for (const field of ID_FIELDS) {
    const value = event[field];
    if (value !== null) expect(value.length).toBeLessThanOrEqual(2 * MAX_ID_LENGTH);
  }
  if (event.ip !== null) expect(isIP(event.ip)).not.toBe(0);
  if (event.latitude !== null) expect(Math.abs(event.latitude)).toBeLessThanOrEqual(90);
  if (event.longitude !== null) expect(Math.abs(event.longitude)).toBeLessThanOrEqual(180);
  expect(() => JSON.stringify(event.raw)).not.toThrow();
  for (const issue of event.issues ?? []) expect(issue.reason).toMatch(/\S/);
}

describe('normalizeEvent (properties)', () => {
  it('stores every object the Events API document allows, dropping only impossible fields', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          schemaItemUsage.map((raw) => ['item_usage', raw] as const),
          schemaSigninAttempt.map((raw) => ['signin_attempt', raw] as const),
          schemaAuditEvent.map((raw) => ['audit_event', raw] as const),
        ),
        ([stream, raw]) => {
          const result = normalizeEvent(stream, raw);
          if (!result.ok) throw new Error(`rejected: ${result.reason}`);
          expectStorable(result.event);
          const latitudeDropped = (result.event.issues ?? []).some(
            (issue) =>
              issue.field === 'location.latitude' && issue.reason === 'out of range [-90, 90]',
          );
          expect(latitudeDropped).toBe(Math.abs(raw.location.latitude) > 90);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('never throws; rejects only for the id, the time or the shape, and names the field', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...STREAMS),
        fc.dictionary(
          fc.constantFrom(
            'uuid',
            'requestId',
            'requestID',
            'timestamp',
            'user',
            'target_user',
            'actor',
            'actor_details',
            'actor_uuid',
            'session',
            'client',
            'location',
            'resource',
            'country',
            'action',
            'result',
            'ip',
            'vault_uuid',
            '__proto__',
          ),
          fc.oneof(anyValue, fc.dictionary(fc.string({ maxLength: 12 }), anyValue)),
        ),
        (stream, raw) => {
          const result = normalizeEvent(stream, raw);
          if (result.ok) expectStorable(result.event);
          expect(result.ok ? 'uuid: stored' : result.reason).toMatch(
            /^(uuid|requestI[dD]|timestamp): /,
          );
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('accepts any object with a usable id and time, whatever its other fields hold', () => {
    fc.assert(
      fc.property(
        usableId,
        time,
        fc.dictionary(fc.string({ maxLength: 12 }), anyValue),
        (uuid, timestamp, rest) => {
          const result = normalizeEvent('audit_event', { ...rest, uuid, timestamp });
          expect(result.ok).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });
});
