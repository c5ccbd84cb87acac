import request from 'supertest';
import { startTestApp } from './support/test-app';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;

describe('health and metrics (e2e)', () => {
  let t: TestApp;
  const http = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  it('reports ready and the queue backend in use, without a key', async () => {
    const res = await http().get('/health').expect(200);
    // Redis is checked only when the queues are there; on PostgreSQL the database is all.
    expect(res.body).toEqual(
      t.queueBackend === 'redis'
        ? {
            status: 'ok',
            queueBackend: 'redis',
            checks: { database: { status: 'up' }, redis: { status: 'up' } },
          }
        : { status: 'ok', queueBackend: 'postgres', checks: { database: { status: 'up' } } },
    );
  });

  it('serves Prometheus metrics without a key', async () => {
    const res = await http().get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    for (const name of [
      'vaultwatch_events_ingested_total',
      'vaultwatch_events_duplicate_total',
      'vaultwatch_events_rejected_total',
      'vaultwatch_poll_errors_total',
      'vaultwatch_polls_total',
      'vaultwatch_source_lag_seconds',
      'vaultwatch_queue_jobs',
      'vaultwatch_process_cpu_user_seconds_total',
    ]) {
      expect(res.text).toContain(`# TYPE ${name} `);
    }
    expect(res.text).toMatch(/vaultwatch_queue_jobs\{queue="detect",state="waiting"\} \d+/);
  });

  it('does not leak the admin key in metrics', async () => {
    const res = await http().get('/metrics').expect(200);
    expect(res.text).not.toContain(t.adminKey);
  });
});
