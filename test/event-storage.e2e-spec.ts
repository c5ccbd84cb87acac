import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { copiedDetectEvents, toDetectEvent } from '../src/events/detect-event.mapper';
import { compareIds } from '../src/events/event-order';
import { EventsRepository } from '../src/events/events.repository';
import { EventsService } from '../src/events/events.service';
import { EVENT_COLUMNS } from '../src/events/event-columns';
import { emptyEvent } from '../src/events/normalize/event-parts';
import type { NormalizedEvent } from '../src/events/normalize/normalized-event';
import { isSafeText } from '../src/events/normalize/storable-json';
import { startTestApp, TestApp } from './support/test-app';

/** Text as normalization leaves it: anything but NUL and lone surrogates. */
const text = fc.string({ unit: 'binary', maxLength: 40 }).filter(isSafeText);
const tricky = fc.oneof(
  text,
  fc.constantFrom('\\N', '\\', '\t', '\n', '\r\n', 'a\\tb', '\\\\N', 'ü€😀', '"quoted"', ''),
);
const TEXT_FIELDS = EVENT_COLUMNS.filter(({ type }) => type === 'text')
  .map(({ field }) => field)
  .filter((field) => field !== 'stream' && field !== 'externalId');

const storedEvent = fc.record({
  texts: fc.dictionary(fc.constantFrom(...TEXT_FIELDS), fc.option(tricky)),
  // -0 is stored as 0, as JSON would send it.
  latitude: fc.option(fc.double({ min: -90, max: 90, noNaN: true }).map((n) => n + 0)),
  raw: fc.dictionary(
    text,
    fc.jsonValue({ maxDepth: 2 }).filter((value) => isSafeText(JSON.stringify(value))),
    { maxKeys: 4 },
  ),
  issues: fc.option(fc.array(fc.record({ field: text, reason: text }), { maxLength: 2 })),
  millis: fc.integer({ min: Date.parse('2000-01-01'), max: Date.parse('2030-01-01') }),
});

describe('events as stored', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  it('reads back exactly as written, whatever text, numbers and JSON they hold', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(storedEvent, { minLength: 1, maxLength: 5 }), async (specs) => {
        const events = specs.map((spec): NormalizedEvent => {
          const raw = JSON.parse(JSON.stringify(spec.raw)) as Record<string, unknown>;
          const event = emptyEvent('audit_event', randomUUID(), new Date(spec.millis), raw);
          Object.assign(event, spec.texts);
          event.latitude = spec.latitude;
          if (spec.issues) event.issues = spec.issues;
          return event;
        });
        const stored = await t.app.get(EventsService).storeBatch({
          sourceId: 'push',
          events,
          rejections: [],
        });
        expect(stored).toMatchObject({ accepted: events.length, rejected: 0 });

        const columns = EVENT_COLUMNS.map(({ column, field }) => `${column} AS "${field}"`);
        const rows = await t.sql(
          `SELECT ${columns.join(', ')} FROM events WHERE external_id = ANY($1) ORDER BY id`,
          [events.map((event) => event.externalId)],
        );
        expect(rows).toEqual(events.map((event) => ({ ...event, issues: event.issues ?? null })));
      }),
      { numRuns: 60 },
    );
  });

  it('knows the events COPY wrote exactly as detection reads them back', async () => {
    const number = fc.oneof(fc.double(), fc.constantFrom(-0, Number.NaN, Infinity));
    const copiedEvent = fc.record({
      texts: fc.dictionary(fc.constantFrom(...TEXT_FIELDS), fc.option(tricky)),
      latitude: fc.option(number),
      longitude: fc.option(number),
      millis: fc.integer({ min: Date.parse('2000-01-01'), max: Date.parse('2030-01-01') }),
      key: fc.integer({ min: 0, max: 9 }),
    });
    const repository = t.app.get(EventsRepository);
    await fc.assert(
      fc.asyncProperty(fc.array(copiedEvent, { minLength: 1, maxLength: 6 }), async (specs) => {
        const prefix = randomUUID();
        // Keys repeat within the batch: the first of each is written.
        const events = specs.map((spec): NormalizedEvent => {
          const event = emptyEvent('audit_event', `${prefix}-${spec.key}`, new Date(spec.millis), {
            any: 'raw',
          });
          Object.assign(event, spec.texts);
          event.latitude = spec.latitude;
          event.longitude = spec.longitude;
          return event;
        });
        const inserted = await repository.transaction(async (manager) => {
          const written = await repository.insertEvents(manager, 'push', events);
          await repository.insertBatch(manager, written.batchId!, 'push', written.ids);
          return written;
        });
        const read = await repository.transaction((manager) =>
          repository.findForDetection(manager, [inserted.batchId!]),
        );
        const byId = read.map(toDetectEvent).sort((a, b) => compareIds(a.id, b.id));
        expect(copiedDetectEvents(inserted.copied!)).toEqual(byId);
      }),
      { numRuns: 60 },
    );
  });

  it('knows no copy of a batch that went through staging: detection reads it back', async () => {
    const event = () => emptyEvent('item_usage', `copied-${randomUUID()}`, new Date(0), {});
    const first = event();
    const repository = t.app.get(EventsRepository);
    const store = (events: NormalizedEvent[]) =>
      repository.transaction((manager) => repository.insertEvents(manager, 'push', events));
    expect((await store([first])).copied).not.toBeNull();
    const again = await store([first, event()]);
    expect(again.ids).toHaveLength(1);
    expect(again.copied).toBeNull();
  });

  it('keeps the first of each key once, whether stored before or repeated in the batch', async () => {
    const keys = fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 8 });
    await fc.assert(
      fc.asyncProperty(keys, keys, async (before, batch) => {
        const prefix = randomUUID();
        const store = async (which: number[], label: string) => {
          const events = which.map((key, position) => {
            const event = emptyEvent('item_usage', `${prefix}-${key}`, new Date(0), {});
            event.actorName = `${label} ${position}`;
            return event;
          });
          return t.app.get(EventsService).storeBatch({ sourceId: 'push', events, rejections: [] });
        };
        await store(before, 'before');
        const stored = await store(batch, 'batch');

        const firsts = [...new Set(batch)].filter((key) => !before.includes(key));
        expect(stored).toMatchObject({
          accepted: firsts.length,
          duplicates: batch.length - firsts.length,
        });
        const rows = await t.sql(
          `SELECT external_id, actor_name FROM events WHERE batch_id = $1 ORDER BY id`,
          [stored.batchId],
        );
        expect(rows).toEqual(
          firsts.map((key) => ({
            external_id: `${prefix}-${key}`,
            actor_name: `batch ${batch.indexOf(key)}`,
          })),
        );
      }),
      { numRuns: 60 },
    );
  });
});
