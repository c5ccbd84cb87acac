import autocannon from 'autocannon';
import type { Client } from 'pg';
import { log } from './service';

export interface RestTenant {
  users: number;
  incidents: number;
  days: number;
}

const userId = (n: number) => `BENCHUSER${String(n).padStart(6, '0')}`;

/**
 * A tenant's worth of what the REST API reads: baselines of `days` days for `users` users
 * (working hours on weekdays, three actions, the usual remembered values) and `incidents`
 * incidents with one alert each, spread over the same days, most of them resolved.
 */
export async function seedRestTenant(db: Client, tenant: RestTenant): Promise<void> {
  const started = Date.now();
  const ids = `(SELECT n, 'BENCHUSER' || lpad(n::text, 6, '0') AS id FROM generate_series(1, $1::int) n)`;
  await db.query(
    `INSERT INTO baseline_entities (entity_type, entity_id, label, first_event_at, last_event_at,
       active_days, event_count, successful_signins, last_country, last_city)
     SELECT 'user', u.id, 'user' || u.n || '@bench.example', now() - make_interval(days => $2::int),
       now() - make_interval(hours => u.n % 24), $2::int * 5 / 7, 5000, 200, 'US', 'New York'
     FROM ${ids} u`,
    [tenant.users, tenant.days],
  );
  await db.query(
    `INSERT INTO baseline_active_days (entity_type, entity_id, day)
     SELECT 'user', u.id, d.day FROM ${ids} u
     CROSS JOIN (SELECT (now() - make_interval(days => g))::date AS day
                 FROM generate_series(0, $2::int - 1) g) d
     WHERE extract(isodow FROM d.day) < 6`,
    [tenant.users, tenant.days],
  );
  await db.query(
    `INSERT INTO baseline_hourly_counts (entity_type, entity_id, action, hour_start, count)
     SELECT 'user', u.id, a.action, h.hour, 1 + (u.n + extract(hour FROM h.hour)::int) % 20
     FROM ${ids} u
     CROSS JOIN (VALUES ('reveal'), ('fill'), ('copy')) a(action)
     CROSS JOIN (SELECT date_trunc('hour', now()) - make_interval(hours => g) AS hour
                 FROM generate_series(0, $2::int * 24 - 1) g) h
     WHERE extract(hour FROM h.hour) BETWEEN 8 AND 17 AND extract(isodow FROM h.hour) < 6`,
    [tenant.users, tenant.days],
  );
  await db.query(
    `INSERT INTO baseline_seen_values (entity_type, entity_id, dimension, value, first_seen,
       last_seen, count)
     SELECT 'user', u.id, v.dimension, v.dimension || '-' || g, now() - make_interval(days => $2::int),
       now() - make_interval(hours => g), 10 + g
     FROM ${ids} u
     CROSS JOIN (VALUES ('country', 3), ('city', 5), ('ip', 12), ('clientApp', 3), ('os', 2),
                        ('vaultId', 10), ('itemId', 40)) v(dimension, n)
     CROSS JOIN LATERAL generate_series(1, v.n) g`,
    [tenant.users, tenant.days],
  );
  // Incidents newest last, as ids grow with creation; one in ten open, one in ten acknowledged,
  // severities spread independently of status.
  await db.query(
    `WITH rules AS (SELECT array_agg(id ORDER BY id) AS ids FROM rules),
     spread AS (
       SELECT i, now() - make_interval(secs => ($2::int * 86400.0 * ($1::int - i)) / $1::int) AS at
       FROM generate_series(1, $1::int) i)
     INSERT INTO incidents (dedup_key, rule_id, group_key, actor_id, actor_label, title, severity,
       status, alert_count, first_alert_at, last_alert_at, resolved_at, created_at, updated_at)
     SELECT 'bench-' || s.i, r.ids[1 + s.i % cardinality(r.ids)], 'BENCHUSER' || lpad((1 + s.i % $3::int)::text, 6, '0'),
       'BENCHUSER' || lpad((1 + s.i % $3::int)::text, 6, '0'), 'user' || (1 + s.i % $3::int) || '@bench.example',
       'Bench incident ' || s.i, (ARRAY['info', 'low', 'medium', 'high', 'critical'])[1 + (s.i / 10) % 5],
       CASE s.i % 10 WHEN 0 THEN 'triggered' WHEN 1 THEN 'acknowledged' ELSE 'resolved' END,
       1, s.at, s.at, CASE WHEN s.i % 10 > 1 THEN s.at + interval '1 hour' END, s.at, s.at
     FROM spread s, rules r`,
    [tenant.incidents, tenant.days, tenant.users],
  );
  // As autovacuum leaves a settled table: hours past are all-visible, so one entity's 90 days
  // are read from the index alone, without a heap page per hour.
  await db.query('VACUUM ANALYZE');
  log(
    `seeded ${tenant.users} users' baselines and ${tenant.incidents} incidents in ${Date.now() - started} ms`,
  );
}

/** The API's cursor for the page of incidents older than `id`. */
const pageBefore = (id: number) =>
  Buffer.from(JSON.stringify({ before: String(id) })).toString('base64url');

export interface LatencyFigures {
  requests: number;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

/**
 * Latency of the endpoints a console and a SOAR integration call most, each for `seconds`
 * with `connections` clients in parallel; requests vary their filters, pages and actors.
 */
export async function measureRest(
  baseUrl: string,
  adminKey: string,
  tenant: RestTenant,
  seconds: number,
  connections: number,
): Promise<Record<string, LatencyFigures>> {
  const severities = ['low', 'medium', 'high', 'critical'];
  const statuses = ['triggered', 'acknowledged', 'resolved'];
  const pick = <T>(values: readonly T[]) => values[Math.floor(Math.random() * values.length)];
  const anyUser = () => userId(1 + Math.floor(Math.random() * tenant.users));
  const paths: Record<string, () => string> = {
    'GET /api/v1/incidents (first page)': () => '/api/v1/incidents?limit=50',
    'GET /api/v1/incidents (status and severity filters)': () =>
      `/api/v1/incidents?status=${pick(statuses)}&severity=${pick(severities)}&limit=50`,
    'GET /api/v1/incidents (an actor)': () => `/api/v1/incidents?actor=${anyUser()}&limit=50`,
    'GET /api/v1/incidents (a deep page)': () =>
      `/api/v1/incidents?limit=50&cursor=${pageBefore(1 + Math.floor(Math.random() * tenant.incidents))}`,
    'GET /api/v1/baselines/:actor': () => `/api/v1/baselines/${anyUser()}`,
  };
  const figures: Record<string, LatencyFigures> = {};
  for (const [name, path] of Object.entries(paths)) {
    const result = await autocannon({
      url: baseUrl,
      connections,
      duration: seconds,
      headers: { authorization: `Bearer ${adminKey}` },
      requests: [{ method: 'GET', setupRequest: (request) => ({ ...request, path: path() }) }],
    });
    figures[name] = {
      requests: result.requests.total,
      requestsPerSecond: Math.round(result.requests.average),
      p50: result.latency.p50,
      p99: result.latency.p99,
      non2xx: result.non2xx,
      errors: result.errors,
    };
    log(
      `${name}, ${connections} connection(s): p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms`,
    );
  }
  return figures;
}
