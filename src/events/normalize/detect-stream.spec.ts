import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { detectStream } from './detect-stream';
import connectRequest from './fixtures/connect-api-request.json';
import type { Stream } from './normalized-event';

const SAMPLES_DIR = join(__dirname, '../../../test/fixtures/samples');

function sampleEvents(file: string): unknown[] {
  const lines = readFileSync(join(SAMPLES_DIR, file), 'utf8').split('\n');
  return lines.filter((line) => line.trim() !== '').map((line): unknown => JSON.parse(line));
}

describe('detectStream', () => {
  it.each<[string, Stream]>([
    ['elastic-itemusages.ndjson', 'item_usage'],
    ['elastic-signinattempts.ndjson', 'signin_attempt'],
    ['elastic-auditevents.ndjson', 'audit_event'],
  ])('recognises every event in %s', (file, stream) => {
    const events = sampleEvents(file);
    expect(events.length).toBeGreaterThan(0);
    for (const event of events) expect(detectStream(event)).toBe(stream);
  });

  it('recognises a Connect request in the spec spelling and the docs spelling', () => {
    const { requestId, actor, ...rest } = connectRequest;
    const { requestIp, ...actorRest } = actor;
    const docs = { requestID: requestId, ...rest, actor: { ...actorRest, ip: requestIp } };
    expect(detectStream(connectRequest)).toBe('connect_activity');
    expect(detectStream(docs)).toBe('connect_activity');
  });

  const base = { uuid: 'AAAA', timestamp: '2021-08-11T14:28:03Z' };

  it.each<[string, Record<string, unknown>, Stream]>([
    [
      'Connect: request id alone',
      { requestID: 'x', timestamp: base.timestamp },
      'connect_activity',
    ],
    ['Connect: actor object, id missing', { ...base, actor: { jti: 'x' } }, 'connect_activity'],
    ['Connect: resource object', { resource: { type: 'VAULT' } }, 'connect_activity'],
    ['Connect: action and result', { action: 'DELETE', result: 'DENY' }, 'connect_activity'],
    ['item usage: item_uuid only', { ...base, item_uuid: 'x' }, 'item_usage'],
    ['item usage: used_version only', { ...base, used_version: 2 }, 'item_usage'],
    ['item usage: user, no action', { ...base, user: { uuid: 'U' } }, 'item_usage'],
    ['item usage: client + shared action', { ...base, client: {}, action: 'export' }, 'item_usage'],
    ['item usage: item-only action', { ...base, action: 'secure-copy' }, 'item_usage'],
    ['sign-in: session_uuid only', { ...base, session_uuid: 'S' }, 'signin_attempt'],
    ['sign-in: target_user only', { ...base, target_user: { uuid: 'U' } }, 'signin_attempt'],
    [
      'sign-in: unknown category + type',
      { ...base, category: 'new', type: 'new' },
      'signin_attempt',
    ],
    ['sign-in: known type alone', { ...base, type: 'u2f_timout' }, 'signin_attempt'],
    ['audit: actor_uuid only', { ...base, actor_uuid: 'A' }, 'audit_event'],
    [
      'audit: object_type, unknown action',
      { ...base, object_type: 'x', action: 'y' },
      'audit_event',
    ],
    ['audit: audit-only action', { ...base, action: 'trvlaway' }, 'audit_event'],
    ['audit: session object', { ...base, session: { ip: '1.2.3.4' } }, 'audit_event'],
  ])('%s', (_name, raw, stream) => {
    expect(detectStream(raw)).toBe(stream);
  });

  it.each<[string, unknown]>([
    ['null', null],
    ['undefined', undefined],
    ['a number', 42],
    ['a string', '{"uuid":"X"}'],
    ['an array', [{ item_uuid: 'x' }]],
    ['an empty object', {}],
    ['unrelated keys', { foo: 1, bar: 'baz' }],
    ['only uuid and timestamp', base],
    ['an unknown type alone', { ...base, type: 'banana' }],
    ['an action both streams use, nothing else', { ...base, action: 'export' }],
    ['an unknown action alone', { ...base, action: 'teleport' }],
  ])('returns null for %s', (_name, raw) => {
    expect(detectStream(raw)).toBeNull();
  });
});
