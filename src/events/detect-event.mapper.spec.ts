import { setFlagsFromString } from 'node:v8';
import { toDetectEvent } from './detect-event.mapper';
import { EVENT_COLUMNS } from './event-columns';
import type { EventRow } from './events.repository';

// V8's own checks, to see the shape the rules read every event through.
setFlagsFromString('--allow-natives-syntax');
// eslint-disable-next-line @typescript-eslint/no-implied-eval -- natives syntax needs new Function
const hasFastProperties = new Function('o', 'return %HasFastProperties(o)') as (
  o: object,
) => boolean;
// eslint-disable-next-line @typescript-eslint/no-implied-eval
const haveSameMap = new Function('a', 'b', 'return %HaveSameMap(a, b)') as (
  a: object,
  b: object,
) => boolean;

function row(id: string, filled: boolean): EventRow {
  const columns: Record<string, unknown> = {};
  for (const { column, type } of EVENT_COLUMNS) {
    columns[column] = filled ? (type === 'double precision' ? 12.5 : `${column}-${id}`) : null;
  }
  return {
    ...columns,
    id,
    stream: 'signin_attempt',
    external_id: `ext-${id}`,
    event_time: new Date('2026-12-01T10:00:00Z'),
    ingested_at: new Date('2026-12-01T10:00:01Z'),
  };
}

describe('toDetectEvent', () => {
  it('reads every field of the row, and its id and times', () => {
    const event = toDetectEvent(row('7', true));
    expect(event).toMatchObject({
      id: '7',
      stream: 'signin_attempt',
      externalId: 'ext-7',
      actorId: 'actor_id-7',
      userAgent: 'user_agent-7',
      latitude: 12.5,
      eventTime: new Date('2026-12-01T10:00:00Z'),
      ingestedAt: new Date('2026-12-01T10:00:01Z'),
    });
    expect(toDetectEvent(row('8', false))).toMatchObject({ actorId: null, latitude: null });
  });

  it('gives every event one fast shape, whichever fields are null', () => {
    const full = toDetectEvent(row('1', true));
    const empty = toDetectEvent(row('2', false));
    expect(hasFastProperties(full)).toBe(true);
    expect(haveSameMap(full, empty)).toBe(true);
  });
});
