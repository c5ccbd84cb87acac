import { DetectionService } from '../src/detection/detection.service';
import { itemUsage, opId, signInAttempt, user } from './support/factories';
import {
  dropTestContext,
  newTestContext,
  pushBatch,
  startIdleWorker,
  startTestApp,
  type TestApp,
  type TestContext,
} from './support/test-app';

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/**
 * A backlog of batches is judged in passes of several batches at once. What it finds must be
 * what judging the batches one at a time finds: the same alerts, each on the batch that holds
 * its newest evidence, and baselines that learned every event once.
 */
describe('detection of a backlog in one pass', () => {
  const start = Date.now() - 20 * DAY_MS;
  const at = (day: number, minutes = 0) => new Date(start + day * DAY_MS + minutes * MINUTE_MS);
  const saoPaulo = {
    country: 'BR',
    region: 'SP',
    city: 'São Paulo',
    latitude: -23.55,
    longitude: -46.63,
  };

  /** Five users' quiet weeks, then a new country, a reveal burst and failed sign-ins. */
  function stream(): unknown[] {
    const events: unknown[] = [];
    let n = 0;
    for (let day = 0; day < 16; day++) {
      for (let u = 0; u < 5; u++) {
        events.push(itemUsage(n++, at(day, 600 + u), { user: user(u) }));
        events.push(signInAttempt(n++, at(day, 590 + u), { target_user: user(u) }));
      }
    }
    events.push(itemUsage(n++, at(17, 600), { user: user(0), location: saoPaulo }));
    for (let i = 0; i < 60; i++) {
      events.push(
        itemUsage(n++, at(17, 700 + i / 2), { user: user(1), item_uuid: opId('item', i) }),
      );
    }
    for (let i = 0; i < 15; i++) {
      events.push(
        signInAttempt(n++, at(17, 800 + i / 2), {
          target_user: user(2),
          category: 'credentials_failed',
          type: 'password_secret_bad',
        }),
      );
    }
    return events;
  }

  /** Cut through the quiet weeks, the burst and the failed sign-ins. */
  const cuts = [37, 80, 121, 160, 161, 175, 200, 230];

  /**
   * Stores the stream in batches through an API process whose detect jobs no worker reads;
   * a worker then detects them all from the first batch's job at once, or each batch as
   * soon as it is stored.
   */
  async function detectedAlerts(
    together: boolean,
  ): Promise<{ alerts: unknown[]; baselines: unknown }> {
    const context: TestContext = newTestContext();
    const api = await startTestApp({ APP_ROLE: 'api' }, context);
    const worker: TestApp = await startIdleWorker(context);
    try {
      const detection = worker.app.get(DetectionService);
      const events = stream();
      const bounds = [0, ...cuts, events.length];
      for (let i = 1; i < bounds.length; i++) {
        const batchId = await pushBatch(api, events.slice(bounds[i - 1], bounds[i]));
        if (!together) await detection.processBatch(batchId);
      }
      const batches = await worker.sql<{ id: string }>(`SELECT id FROM ingest_batches ORDER BY id`);
      expect(batches).toHaveLength(bounds.length - 1);
      if (together) {
        const outcome = await detection.processBatch(batches[0].id);
        expect(outcome.events).toBe(events.length);
      }
      expect(await worker.sql(`SELECT id FROM ingest_batches WHERE detected_at IS NULL`)).toEqual(
        [],
      );
      const position = new Map(batches.map(({ id }, i) => [id, i]));
      const alerts = (
        await worker.sql<{ rule: string; fingerprint: string; batch_id: string }>(
          `SELECT r.template_id AS rule, a.fingerprint, a.batch_id
           FROM alerts a JOIN rules r ON r.id = a.rule_id`,
        )
      )
        .map(({ rule, fingerprint, batch_id }) => ({
          rule,
          fingerprint,
          batch: position.get(batch_id),
        }))
        .sort((a, b) => `${a.rule}${a.fingerprint}`.localeCompare(`${b.rule}${b.fingerprint}`));
      const baselines = {
        entities: await worker.sql(
          `SELECT entity_type, entity_id, first_event_at, last_event_at, active_days, event_count
           FROM baseline_entities ORDER BY 1, 2`,
        ),
        hourly: await worker.sql(`SELECT * FROM baseline_hourly_counts ORDER BY 1, 2, 3, 4`),
        seen: await worker.sql(
          `SELECT entity_type, entity_id, dimension, value, first_seen, last_seen, count
           FROM baseline_seen_values ORDER BY 1, 2, 3, 4`,
        ),
      };
      return { alerts, baselines };
    } finally {
      await Promise.all([api.close(), worker.close()]);
      await dropTestContext(context);
    }
  }

  it('finds what batch-by-batch detection finds', async () => {
    const oneByOne = await detectedAlerts(false);
    const together = await detectedAlerts(true);

    const rules = new Set((oneByOne.alerts as Array<{ rule: string }>).map(({ rule }) => rule));
    expect([...rules]).toEqual(
      expect.arrayContaining([
        'op.item.new_country_reveal',
        'op.item.mass_access.user',
        'op.item.reveal_spike',
        'op.signin.failed_burst.user',
      ]),
    );
    expect(together.alerts).toEqual(oneByOne.alerts);
    expect(together.baselines).toEqual(oneByOne.baselines);
  }, 120_000);

  /** An API process storing pushed batches (`push` gives the batch id) and an idle worker. */
  async function withIdleWorker(
    work: (apps: {
      worker: TestApp;
      detection: DetectionService;
      push: (events: unknown[]) => Promise<string>;
    }) => Promise<void>,
  ): Promise<void> {
    const context: TestContext = newTestContext();
    const api = await startTestApp({ APP_ROLE: 'api' }, context);
    const worker: TestApp = await startIdleWorker(context);
    try {
      await work({
        worker,
        detection: worker.app.get(DetectionService),
        push: (events) => pushBatch(api, events),
      });
    } finally {
      await Promise.all([api.close(), worker.close()]);
      await dropTestContext(context);
    }
  }

  it(
    'rolls a pass back when its learning fails while its rules judge, and judges it again',
    () =>
      withIdleWorker(async ({ worker, detection, push }) => {
        // Enough events that the rules are still judging when the first write fails.
        const batchId = await push(
          Array.from({ length: 2000 }, (_, i) =>
            itemUsage(i, at(1, i / 10), { user: user(i % 5) }),
          ),
        );
        // The first write of learning fails, as a lost connection or a deadlock would.
        await worker.sql(`
        CREATE FUNCTION refuse_learning() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'learning refused'; END $$`);
        await worker.sql(`
        CREATE TRIGGER refuse_learning BEFORE INSERT ON baseline_entities
        FOR EACH ROW EXECUTE FUNCTION refuse_learning()`);

        await expect(detection.processBatch(batchId)).rejects.toThrow('learning refused');
        const undetected = `SELECT id FROM ingest_batches WHERE detected_at IS NULL`;
        expect(await worker.sql(undetected)).toEqual([{ id: batchId }]);
        expect(await worker.sql(`SELECT * FROM baseline_entities`)).toEqual([]);

        await worker.sql(`DROP TRIGGER refuse_learning ON baseline_entities`);
        expect((await detection.processBatch(batchId)).events).toBe(2000);
        expect(await worker.sql(undetected)).toEqual([]);
      }),
    60_000,
  );

  it(
    'judges and learns only its own batch when an earlier batch shares its id range',
    () =>
      withIdleWorker(async ({ worker, detection, push }) => {
        const usages = (first: number, count: number, who: number) =>
          Array.from({ length: count }, (_, i) =>
            itemUsage(first + i, at(1, first + i), { user: user(who) }),
          );
        const learned = async () => {
          const [row] = await worker.sql<{ events: string }>(
            `SELECT coalesce(sum(event_count), 0) AS events FROM baseline_entities
           WHERE entity_type = 'user'`,
          );
          return Number(row.events);
        };

        const earlier = await push(usages(0, 20, 0));
        expect((await detection.processBatch(earlier)).events).toBe(20);
        const later = await push(usages(100, 30, 1));
        // Two sources drawing ids at the same moment interleave them: the earlier batch (judged
        // on its own before the later one committed) holds even ids, the later one odd ids.
        await worker.sql(`CREATE TEMP TABLE moved AS SELECT * FROM events`);
        await worker.sql(
          `UPDATE moved m SET id = 1000000 + r.position FROM (
           SELECT id, 2 * row_number() OVER (PARTITION BY batch_id ORDER BY id)
             - CASE WHEN batch_id = $1 THEN 0 ELSE 1 END AS position
           FROM moved
         ) AS r WHERE m.id = r.id`,
          [earlier],
        );
        await worker.sql(`DELETE FROM events`);
        await worker.sql(`INSERT INTO events OVERRIDING SYSTEM VALUE SELECT * FROM moved`);
        await worker.sql(`
        UPDATE ingest_batches b SET event_ids =
          ARRAY(SELECT id FROM events WHERE batch_id = b.id ORDER BY id)`);

        expect((await detection.processBatch(later)).events).toBe(30);
        expect(await learned()).toBe(50);
      }),
    60_000,
  );
});
