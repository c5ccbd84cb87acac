import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { DetectionService } from '../src/detection/detection.service';
import { EventsService } from '../src/events/events.service';
import { MetricsService } from '../src/metrics/metrics.service';
import { auditEvent, opId, signInAttempt, user } from './support/factories';
import {
  dropTestContext,
  newTestContext,
  pushBatch,
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

  /** An earlier batch another worker holds: detection of every later batch waits for it. */
  const holdDetection = async () => {
    const [held] = await t.sql<{ id: string }>(
      `INSERT INTO ingest_batches (source_id, event_ids) VALUES ('events:audit_events', '{}')
       RETURNING id`,
    );
    await holder.query('BEGIN');
    await holder.query('SELECT id FROM ingest_batches WHERE id = $1 FOR UPDATE', [held.id]);
  };
  const allDetected = () =>
    waitFor('every batch detected in its turn', async () => {
      const [row] = await t.sql<{ n: string }>(
        `SELECT count(*) AS n FROM ingest_batches WHERE detected_at IS NULL`,
      );
      return row.n === '0';
    });

  it('alerts on a live attack while an earlier batch is held, once, and learns it in its turn', async () => {
    await holdDetection();

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
    await allDetected();
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

  it('judges a live sign-in against the baselines its waiting backlog will teach', async () => {
    await holdDetection();
    const now = Date.now();
    const day = 86_400_000;
    // Names as an attacker may write them (a NUL, a lone surrogate): made safe as they are
    // stored, they reach the fold as they reach a pass.
    const signIn = (n: number, who: number, at: number, country: string) =>
      signInAttempt(n, new Date(at), {
        target_user: { ...user(who), name: `Mal\u0000lory \uD800 ${who}` },
        country,
        location: { country, region: null, city: null, latitude: null, longitude: null },
      });
    // A month of sign-ins from Canada for two users, waiting behind the held batch; the
    // second also signed in from Germany three days ago.
    const backlog = [20, 21].flatMap((who) =>
      Array.from({ length: 30 }, (_, i) => signIn(1000 * who + i, who, now - (30 - i) * day, 'CA')),
    );
    backlog.push(signIn(21_999, 21, now - 3 * day, 'DE'));
    await t.http().post('/api/v1/events').set(as()).send(backlog).expect(200);
    // Live: the first from Brazil (new to them), the second from Germany again.
    await t
      .http()
      .post('/api/v1/events')
      .set(as())
      .send([signIn(20_500, 20, now, 'BR'), signIn(21_500, 21, now, 'DE')])
      .expect(200);

    const newCountry = (who: number) =>
      t.sql<{ id: string; fingerprint: string; event_time: Date }>(
        `SELECT a.id, a.fingerprint, a.event_time FROM alerts a JOIN rules r ON r.id = a.rule_id
         WHERE r.template_id = 'op.signin.new_country_for_user' AND a.actor_id = $1`,
        [user(who).uuid],
      );
    let alerts: Array<{ id: string; fingerprint: string; event_time: Date }> = [];
    await waitFor('the new country, judged ahead', async () => {
      alerts = await newCountry(20);
      return alerts.length > 0;
    });
    // Judged in the same transaction as the alert above: Germany was in the backlog.
    expect(await newCountry(21)).toEqual([]);
    expect(alerts).toHaveLength(1);
    expect(alerts[0].fingerprint).toContain('BR');
    const [waiting] = await t.sql<{ n: string }>(
      `SELECT count(*) AS n FROM ingest_batches WHERE detected_at IS NULL`,
    );
    expect(Number(waiting.n)).toBe(3);
    // The process that judged it counts it as judged with the baselines, and none without.
    const counted = () => apps.at(-1)!.app.get(MetricsService).batchesJudgedAhead.get();
    await waitFor('the batch counted', async () =>
      (await counted()).values.some(({ labels }) => labels.baselines === 'judged'),
    );
    expect((await counted()).values.map(({ labels }) => labels.baselines)).toEqual(['judged']);

    await holder.query('COMMIT');
    await allDetected();
    expect(await newCountry(20)).toEqual(alerts);
    // In its turn the backlog's own sign-in from Germany is new; the live one is not.
    const second = await newCountry(21);
    expect(second.map((alert) => alert.event_time.getTime())).toEqual([now - 3 * day]);
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
    const live = await pushBatch(api, [attack]);
    await holder.query('BEGIN');
    await holder.query('SELECT id FROM ingest_batches WHERE id = $1 FOR UPDATE', [live]);
    try {
      await expect(worker.app.get(DetectionService).judgeAhead(live)).resolves.toHaveLength(1);
    } finally {
      await holder.query('ROLLBACK');
    }
  });

  it("finds an actor's events that earlier batches hold undetected, within a scan limit", async () => {
    const who = user(30);
    const day = 86_400_000;
    const earlier = await pushBatch(
      api,
      [1, 2, 3].map((n) =>
        signInAttempt(30_000 + n, new Date(Date.now() - n * day), { target_user: who }),
      ),
    );
    const live = await pushBatch(api, [signInAttempt(30_010, new Date(), { target_user: who })]);
    const events = worker.app.get(EventsService);
    const manager = worker.app.get(DataSource).manager;
    const waitingIds = async (scanLimit: number) =>
      (await events.findWaitingOf(manager, [who.uuid], live, scanLimit))?.map((row) => row.id);

    const stored = await api.sql<{ id: string }>(
      `SELECT unnest(event_ids)::text AS id FROM ingest_batches WHERE id = $1`,
      [earlier],
    );
    expect((await waitingIds(4))?.sort()).toEqual(stored.map((row) => row.id).sort());
    // Four events of the actor in all (the live one too): past a limit of three, none.
    await expect(waitingIds(3)).resolves.toBeUndefined();
    await api.sql(`UPDATE ingest_batches SET detected_at = now() WHERE id = $1`, [earlier]);
    await expect(waitingIds(4)).resolves.toEqual([]);
  });
});
