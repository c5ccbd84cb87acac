import { toDetectEvent } from './detect-event.mapper';
import { EVENT_FIELDS } from './detect-event';
import { DETECTION_COLUMNS, EVENT_COLUMNS } from './event-columns';

describe('event columns', () => {
  it('name every field a rule may use, and no storage detail', () => {
    expect(EVENT_FIELDS).toContain('connectServerId');
    expect(EVENT_FIELDS).not.toContain('eventTime');
    expect(EVENT_FIELDS).not.toContain('raw');
    expect(EVENT_FIELDS).toHaveLength(EVENT_COLUMNS.length - 3);
    expect(DETECTION_COLUMNS).toMatch(/^id, ingested_at, stream, external_id, event_time, /);
    expect(DETECTION_COLUMNS).not.toMatch(/\braw\b|\bissues\b/);
  });

  it('map a detection row back to the event', () => {
    const eventTime = new Date('2026-01-02T03:04:05Z');
    const ingestedAt = new Date('2026-01-02T03:05:00Z');
    const row = {
      id: '42',
      stream: 'connect_activity' as const,
      external_id: 'req-1',
      event_time: eventTime,
      ingested_at: ingestedAt,
      actor_type: 'connect_token',
      connect_server_id: 'srv',
      latitude: 45.5,
      longitude: 'not a number',
      user_agent: 'curl/8',
    };
    const event = toDetectEvent(row);
    expect(event).toMatchObject({
      id: '42',
      stream: 'connect_activity',
      externalId: 'req-1',
      eventTime,
      ingestedAt,
      actorType: 'connect_token',
      connectServerId: 'srv',
      latitude: 45.5,
      longitude: null,
      userAgent: 'curl/8',
      actorEmail: null,
      raw: {},
    });
    expect(Object.keys(event).sort()).toEqual(
      ['id', 'ingestedAt', ...EVENT_FIELDS, 'eventTime', 'raw'].sort(),
    );
  });
});
