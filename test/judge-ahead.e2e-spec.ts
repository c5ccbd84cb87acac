import { Client } from 'pg';
import { DetectionService } from '../src/detection/detection.service';
import { auditEvent, opId } from './support/factories';
import {
  dropTestContext,
  newTestContext,
  startIdleWorker,
  startTestApp,
  type TestApp,
  type TestContext,
} from './support/test-app';
import { waitFor } from './support/wait-for';

/**
 * A live attack stored while detection is held up behind earlier batches (a backfill another
 * worker is judging, a new account catching up) still alerts at once: the rules that read no
 * baseline judge it ahead; every rule judges it again in its turn, and nothing is doubled.
 * In one process, and where the API that stores it and the worker that judges it are two.
 */
describe.each([
  { layout: 'one process', roles: ['all'] },
  { layout: 'an API process and a worker process', roles: ['api', 'worker'] },
])('live batches judged ahead of a backlog, $layout', ({ roles }) => {
  let context: TestContext;
  let apps: TestApp[];
  /** The process the attack is pushed to (the first); any of them reads the database. */
  let t: TestApp;
  let holder: Client;
  const as = () => ({ authorization: `Bearer ${t.adminKey}` });

  beforeAll(async () => {
    context = newTestContext();
    apps = [];
    for (const role of roles) {
      apps.push(await startTestApp({ APP_ROLE: role, DETECT_SWEEP_AFTER: '1h' }, context));
    }
    t = apps[0];
    holder = new Client({ connectionString: t.databaseUrl });
    await holder.connect();
  });

  afterAll(async () => {
    await holder.end();
    for (const app of apps) await app.close();
    await dropTestContext(context);
  });

  const alertsOf = (actor: string) =>
    t.sql<{ id: string; incident_id: string }>(
      `SELECT a.id, a.incident_id FROM alerts a JOIN incidents i ON i.id = a.incident_id
       WHERE i.actor_id = $1`,
      [actor],
    );

  it('alerts on a live attack while an earlier batch is held, once, and learns it in its turn', async () => {
    // An earlier batch another worker holds: detection of every later batch waits for it.
    const [held] = await t.sql<{ id: string }>(
      `INSERT INTO ingest_batches (source_id, event_ids) VALUES ('events:audit_events', '{}')
       RETURNING id`,
    );
    await holder.query('BEGIN');
    await holder.query('SELECT id FROM ingest_batches WHERE id = $1 FOR UPDATE', [held.id]);

    const admin = opId('admin', 7);
    const attack = auditEvent(1, new Date(), {
      action: 'disblmfa',
      object_type: 'account',
      object_uuid: opId('account', 0),
      actor_uuid: admin,
    });
    await t.http().post('/api/v1/events').set(as()).send([attack]).expect(200);
    let alerts: Array<{ id: string; incident_id: string }> = [];
    await waitFor('the alert, judged ahead', async () => {
      alerts = await alertsOf(admin);
      return alerts.length > 0;
    });
    // Judged, not learned: the batch is still undetected and no baseline knows the admin.
    const pending = await t.sql<{ id: string }>(
      `SELECT id FROM ingest_batches WHERE detected_at IS NULL ORDER BY id`,
    );
    expect(pending.map((row) => row.id)).toHaveLength(2);
    expect(await t.sql(`SELECT 1 FROM baseline_entities WHERE entity_id = $1`, [admin])).toEqual(
      [],
    );

    await holder.query('COMMIT');
    await waitFor('every batch detected in its turn', async () => {
      const [row] = await t.sql<{ n: string }>(
        `SELECT count(*) AS n FROM ingest_batches WHERE detected_at IS NULL`,
      );
      return row.n === '0';
    });
    expect(await alertsOf(admin)).toEqual(alerts);
    const [incident] = await t.sql<{ alert_count: number }>(
      `SELECT alert_count FROM incidents WHERE id = $1`,
      [alerts[0].incident_id],
    );
    expect(incident.alert_count).toBe(1);
    expect(
      await t.sql(`SELECT 1 FROM baseline_entities WHERE entity_id = $1`, [admin]),
    ).toHaveLength(1);
  });
});

/**
 * A pass judging a backlog may hold the live batch already (it takes the batches waiting behind
 * its job's own): judging ahead reads the batch without taking its lock, so it does not wait
 * for that whole pass.
 */
describe('a live batch a pass holds', () => {
  let context: TestContext;
  let api: TestApp;
  let worker: TestApp;
  let holder: Client;

  beforeAll(async () => {
    context = newTestContext();
    // The API's jobs go to a queue no worker reads: the test calls detection itself.
    api = await startTestApp({ APP_ROLE: 'api' }, context);
    worker = await startIdleWorker(context);
    holder = new Client({ connectionString: api.databaseUrl });
    await holder.connect();
  });

  afterAll(async () => {
    await holder.end();
    await api.close();
    await worker.close();
    await dropTestContext(context);
  });

  it('is judged ahead without waiting for the pass', async () => {
    await api.sql(
      `INSERT INTO ingest_batches (source_id, event_ids) VALUES ('events:audit_events', '{}')`,
    );
    const attack = auditEvent(2, new Date(), {
      action: 'disblmfa',
      object_type: 'account',
      object_uuid: opId('account', 0),
      actor_uuid: opId('admin', 8),
    });
    await api
      .http()
      .post('/api/v1/events')
      .set({ authorization: `Bearer ${api.adminKey}` })
      .send([attack])
      .expect(200);
    const [live] = await api.sql<{ id: string }>(`SELECT max(id) AS id FROM ingest_batches`);
    await holder.query('BEGIN');
    await holder.query('SELECT id FROM ingest_batches WHERE id = $1 FOR UPDATE', [live.id]);
    try {
      await expect(worker.app.get(DetectionService).judgeAhead(live.id)).resolves.toHaveLength(1);
    } finally {
      await holder.query('ROLLBACK');
    }
  });
});
