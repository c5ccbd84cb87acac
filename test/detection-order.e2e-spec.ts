import { DetectionService } from '../src/detection/detection.service';
import { itemUsage, opId } from './support/factories';
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
const saoPaulo = {
  country: 'BR',
  region: 'São Paulo',
  city: 'São Paulo',
  latitude: -23.55,
  longitude: -46.63,
};

/**
 * Batches are judged in the order they were stored, whichever detect job runs first: a job
 * lost in a crash, or a retry, must not let a later batch be judged against baselines that
 * have not learned the earlier ones yet.
 */
describe('detection order', () => {
  let context: TestContext;
  let worker: TestApp;
  const start = Date.now() - 20 * DAY_MS;
  const alice = { uuid: opId('user', 0), name: 'Alice', email: 'alice@example.com' };
  /** One reveal by alice per day, from Toronto unless told otherwise. */
  const reveals = (days: number[], overrides: Record<string, unknown> = {}) =>
    days.map((day) =>
      itemUsage(day * 5, new Date(start + day * DAY_MS), { user: alice, ...overrides }),
    );

  /** Stored by an API process: the detect jobs wait in a queue no worker below reads. */
  async function store(batches: unknown[][]): Promise<void> {
    const api = await startTestApp({ APP_ROLE: 'api' }, context);
    for (const batch of batches) await pushBatch(api, batch);
    await api.close();
  }

  beforeAll(async () => {
    context = newTestContext();
    await store([
      reveals([1, 2, 3]),
      reveals([5, 7, 9, 11, 13, 15, 17]),
      reveals([18], { location: saoPaulo }),
    ]);
    worker = await startIdleWorker(context);
  }, 60_000);

  afterAll(async () => {
    await worker.close();
    await dropTestContext(context);
  });

  it('judges the last batch after the earlier ones when its job runs first', async () => {
    const batches = await worker.sql<{ id: string }>(`SELECT id FROM ingest_batches ORDER BY id`);
    expect(batches).toHaveLength(3);

    // The reveal from São Paulo is 17 days after alice's first event, past the 14 learning
    // days — but only the batch holding her first days says so.
    await worker.app.get(DetectionService).processBatch(batches[2].id);

    const pending = await worker.sql(`SELECT id FROM ingest_batches WHERE detected_at IS NULL`);
    expect(pending).toEqual([]);
    const alerts = await worker.sql<{ explanation: string }>(
      `SELECT a.explanation FROM alerts a JOIN rules r ON r.id = a.rule_id
       WHERE r.template_id = 'op.item.new_country_reveal'`,
    );
    expect(alerts).toHaveLength(1);
    expect(alerts[0].explanation).toContain('BR');
  });

  it('leaves an earlier batch that fails to its own job and still judges the later one', async () => {
    await store([reveals([19]), reveals([20])]);
    const [earlier, later] = await worker.sql<{ id: string }>(
      `SELECT id FROM ingest_batches WHERE detected_at IS NULL ORDER BY id`,
    );
    // The earlier batch's detection fails where it records its end, as a lost connection or
    // a deadlock would, after its rules ran.
    await worker.sql(`CREATE FUNCTION refuse_detection() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'detection refused'; END $$`);
    await worker.sql(`CREATE TRIGGER refuse_detection BEFORE UPDATE ON ingest_batches
      FOR EACH ROW WHEN (NEW.id = ${Number(earlier.id)}) EXECUTE FUNCTION refuse_detection()`);
    const detection = worker.app.get(DetectionService);

    await expect(detection.processBatch(later.id)).resolves.toMatchObject({ skipped: false });
    const pending = await worker.sql<{ id: string }>(
      `SELECT id FROM ingest_batches WHERE detected_at IS NULL`,
    );
    expect(pending.map(({ id }) => id)).toEqual([earlier.id]);

    // Its own job's retry, once the fault is gone, detects it.
    await worker.sql(`DROP TRIGGER refuse_detection ON ingest_batches`);
    await expect(detection.processBatch(earlier.id)).resolves.toMatchObject({ skipped: false });
    expect(await worker.sql(`SELECT id FROM ingest_batches WHERE detected_at IS NULL`)).toEqual([]);
  });
});
