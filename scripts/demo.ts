/**
 * `npm run demo`: vaultwatch against a simulated 1Password tenant. Fake Events API and Connect
 * servers on 127.0.0.1 serve three weeks of history at once (the backfill that warms the
 * baselines), then live traffic on a clock running 60× faster than real time, with injected
 * attacks arriving in the first minutes. Uses its own database, `vaultwatch_demo`, reset at
 * every start: on DEMO_DATABASE_URL, else on the server of DATABASE_URL, else on an embedded
 * PostgreSQL with its data in VAULTWATCH_DATA_DIR (default ./data).
 * `DEMO_FAULTS=0.1` makes the fake 1Password servers answer 10 % of requests with a 429, a
 * 500, a reset connection or a slow answer.
 */
import { Client } from 'pg';
import { createApp } from '../src/app.factory';
import { loadEnv } from '../src/config/env.schema';
import { EmbeddedPostgres } from '../src/database/embedded-postgres';
import { FAKE_SLACK_TOKEN, FakeSlackApi } from '../simulator/fake-slack';
import { SmtpCatcher } from '../simulator/smtp-catcher';
import { generateScenario, scenarioCounts } from '../simulator/scenario/generate-scenario';
import { serveScenario } from '../simulator/serve-scenario';
import { SimClock } from '../simulator/sim-clock';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const SPEED = 60;
const HISTORY_DAYS = 21;
const LIVE_HOURS = 12;
export const DEMO_ADMIN_KEY = 'vw_demo_admin_key_0000000000000000';
const SLACK_LOG = 'demo-slack.log';
const MAIL_LOG = 'demo-mail.log';

const DEMO_DATABASE = 'vaultwatch_demo';

async function main(): Promise<void> {
  const database = await demoDatabase();
  try {
    await runDemo(database);
  } catch (error) {
    await database.stop();
    throw error;
  }
}

async function runDemo(database: DemoDatabase): Promise<void> {
  const databaseUrl = database.url;
  await resetDatabase(databaseUrl);

  const clockStart = Math.floor(Date.now() / 60_000) * 60_000;
  const scenario = generateScenario({
    seed: 1,
    users: 40,
    start: new Date(clockStart - HISTORY_DAYS * DAY_MS),
    end: new Date(clockStart + LIVE_HOURS * HOUR_MS),
    connectServers: 1,
    connectTokens: 3,
    attackWindow: {
      start: new Date(clockStart + 5 * 60_000),
      end: new Date(clockStart + 2 * HOUR_MS),
    },
  });
  const clock = new SimClock({ start: clockStart, speed: SPEED });

  const faults = Number(process.env.DEMO_FAULTS ?? 0);
  const { eventsApi, connect } = await serveScenario(scenario, clock, faults, 'demo');
  // Slack and the mail server, as fakes that write what they receive to files.
  const slack = new FakeSlackApi({ messageLog: SLACK_LOG });
  await slack.start();
  const smtp = new SmtpCatcher({ messageLog: MAIL_LOG });
  await smtp.start();

  Object.assign(process.env, {
    DATABASE_URL: databaseUrl,
    ADMIN_API_KEY: DEMO_ADMIN_KEY,
    OP_EVENTS_API_TOKEN: eventsApi.createToken(),
    OP_EVENTS_API_URL: eventsApi.url,
    OP_EVENTS_START_TIME: new Date(clockStart - (HISTORY_DAYS + 1) * DAY_MS).toISOString(),
    OP_EVENTS_POLL_INTERVAL: process.env.OP_EVENTS_POLL_INTERVAL ?? '2',
    OP_CONNECT_URL: connect.url,
    OP_CONNECT_TOKEN: connect.createToken(),
    OP_CONNECT_POLL_INTERVAL: process.env.OP_CONNECT_POLL_INTERVAL ?? '2',
    SLACK_BOT_TOKEN: FAKE_SLACK_TOKEN,
    SLACK_CHANNEL: '#security-alerts',
    SLACK_API_URL: slack.apiUrl,
    SMTP_URL: smtp.url,
    ALERT_EMAIL_FROM: 'vaultwatch@demo.example',
    ALERT_EMAIL_TO: 'security@demo.example',
    // The fake Slack and the mail catcher listen on 127.0.0.1.
    ALLOW_PRIVATE_DESTINATIONS: 'true',
  });
  const env = loadEnv();
  const app = await createApp(env);
  await app.listen(env.PORT, '127.0.0.1');

  const counts = scenarioCounts(scenario);
  const base = `http://localhost:${env.PORT}`;
  process.stderr.write(
    [
      '',
      `vaultwatch demo on ${base} (API key ${DEMO_ADMIN_KEY})`,
      '',
      `  console: open ${base}/ and sign in with the API key ${DEMO_ADMIN_KEY}`,
      `  (incidents appear within a couple of minutes; Baselines shows what each user usually does)`,
      '',
      `  tenant: ${scenario.users.length} users, ${scenario.connectTokens.length} Connect tokens; ` +
        Object.entries(counts)
          .map(([stream, n]) => `${n} ${stream}`)
          .join(', '),
      `  fake Events API ${eventsApi.url}, fake Connect ${connect.url}; clock ${SPEED}x real time`,
      `  Slack messages: ${SLACK_LOG}; alert emails: ${MAIL_LOG} (in this folder)`,
      `  injected attacks (arriving over the next minutes): ${scenario.labels.map((l) => l.kind).join(', ')}`,
      '',
      `  curl -s -H "Authorization: Bearer ${DEMO_ADMIN_KEY}" ${base}/api/v1/sources`,
      `  curl -s -H "Authorization: Bearer ${DEMO_ADMIN_KEY}" "${base}/api/v1/incidents?status=triggered"`,
      `  curl -s ${base}/metrics | grep vaultwatch_events`,
      `  open ${base}/api/docs`,
      '',
    ].join('\n'),
  );

  const stop = () => {
    void app
      .close()
      .then(() => Promise.all([eventsApi.stop(), connect.stop(), slack.stop(), smtp.stop()]))
      .then(() => database.stop())
      .then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

interface DemoDatabase {
  url: string;
  /** Stops an embedded server; nothing for another. */
  stop: () => Promise<void>;
}

/** Where the demo's database lives. */
async function demoDatabase(): Promise<DemoDatabase> {
  const given = process.env.DEMO_DATABASE_URL;
  if (given) return { url: given, stop: () => Promise.resolve() };
  if (process.env.DATABASE_URL) {
    // Never the service's own database: the demo drops its database at every start.
    const url = new URL(process.env.DATABASE_URL);
    url.pathname = `/${DEMO_DATABASE}`;
    return { url: url.toString(), stop: () => Promise.resolve() };
  }
  const server = new EmbeddedPostgres({
    dataDir: loadEnv().VAULTWATCH_DATA_DIR,
    log: {
      info: (line) => process.stderr.write(`${line}\n`),
      warn: (line) => process.stderr.write(`${line}\n`),
    },
  });
  await server.start();
  return { url: server.databaseUrl(DEMO_DATABASE), stop: () => server.stop() };
}

/** The demo always starts from an empty database of its own. */
async function resetDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = target.pathname.slice(1);
  target.pathname = '/postgres';
  const admin = new Client({ connectionString: target.toString() });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name.replace(/"/g, '""')}" WITH (FORCE)`);
  await admin.end();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
