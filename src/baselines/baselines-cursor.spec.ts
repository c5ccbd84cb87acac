import { decodeCursor, encodeCursor } from './baselines-cursor';

describe('list cursor', () => {
  it('round-trips a position, microseconds and odd ids included', () => {
    const position = {
      lastEventAt: '2026-11-20T10:15:00.123456Z',
      entityType: 'connect_token' as const,
      entityId: 'jti-ü/"%',
      accountId: 'AAAAAAAAAAAAAAAAAAAAAAAAAA',
    };
    const cursor = encodeCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor)).toEqual(position);
  });

  it('reads a position without an account as one of events that name none', () => {
    const cursor = Buffer.from('["2026-11-20T10:15:00Z","user","U1"]').toString('base64url');
    expect(decodeCursor(cursor)).toEqual({
      lastEventAt: '2026-11-20T10:15:00Z',
      entityType: 'user',
      entityId: 'U1',
      accountId: '',
    });
  });

  it.each([
    ['not base64 JSON', 'not a cursor'],
    ['a JSON object', Buffer.from('{"a":1}').toString('base64url')],
    ['a bad time', Buffer.from('["yesterday","user","U1"]').toString('base64url')],
    ['an unknown type', Buffer.from('["2026-11-20T10:15:00Z","group","U1"]').toString('base64url')],
    ['an empty id', Buffer.from('["2026-11-20T10:15:00Z","user",""]').toString('base64url')],
  ])('refuses %s', (_what, cursor) => {
    expect(decodeCursor(cursor)).toBeNull();
  });
});
