/**
 * Starts the fake Events API and fake Connect server(s) loaded with a generated scenario, on a
 * simulated clock, and prints their URLs and tokens as JSON on stdout. Stops on SIGINT/SIGTERM.
 *
 *   node dist/simulator/fake-servers.cli.js --seed 1 --users 50 --days 30 --speed 60 \
 *     --events-port 8081 --connect-port 8082
 *
 * The scenario covers `--days` of history before the clock start (served at once: a backfill)
 * and `--live-hours` after it, which appear as the clock runs. `--attacks live` (default) puts
 * the injected attacks in the live part, so a demo sees them arrive; `history` keeps them in the
 * past; `none` leaves them out. `--faults 0.1` answers 10 % of requests, on every route, with a
 * seeded mix of 429s, 500s, reset connections and slow answers.
 */
import { parseArgs } from 'node:util';
import { FakeConnectServer } from './fake-connect';
import { FakeEventsApi } from './fake-events-api';
import { evenFaults } from './fake-http';
import { generateScenario, scenarioCounts } from './scenario/generate-scenario';
import { SimClock } from './sim-clock';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      seed: { type: 'string', default: '1' },
      users: { type: 'string', default: '50' },
      days: { type: 'string', default: '30' },
      'live-hours': { type: 'string', default: '24' },
      speed: { type: 'string', default: '60' },
      'clock-start': { type: 'string' },
      'events-port': { type: 'string', default: '0' },
      'connect-port': { type: 'string', default: '0' },
      'connect-servers': { type: 'string', default: '1' },
      'connect-tokens': { type: 'string', default: '3' },
      attacks: { type: 'string', default: 'live' },
      'rate-limit': { type: 'string' },
      faults: { type: 'string', default: '0' },
    },
    strict: true,
  });
  const num = (name: keyof typeof values): number => {
    const n = Number(values[name]);
    if (!Number.isFinite(n)) throw new Error(`--${name} must be a number`);
    return n;
  };
  const clockStart = values['clock-start']
    ? Date.parse(values['clock-start'])
    : Math.floor(Date.now() / 60_000) * 60_000;
  if (!Number.isFinite(clockStart)) throw new Error('--clock-start must be an ISO date-time');
  const liveMs = num('live-hours') * HOUR_MS;
  const seedNumber = Number(values.seed);
  const seed = Number.isInteger(seedNumber) ? seedNumber : values.seed;
  const attackMode = values.attacks;
  if (attackMode !== 'live' && attackMode !== 'history' && attackMode !== 'none') {
    throw new Error('--attacks must be live, history or none');
  }

  const started = performance.now();
  const scenario = generateScenario({
    seed,
    users: num('users'),
    start: new Date(clockStart - num('days') * DAY_MS),
    end: new Date(clockStart + liveMs),
    connectServers: num('connect-servers'),
    connectTokens: num('connect-tokens'),
    attacks: attackMode === 'none' ? [] : undefined,
    attackWindow:
      attackMode === 'live'
        ? { start: new Date(clockStart + 60_000), end: new Date(clockStart + liveMs) }
        : {
            start: new Date(clockStart - Math.min(num('days'), 9) * DAY_MS),
            end: new Date(clockStart),
          },
  });
  const generationMs = Math.round(performance.now() - started);

  const clock = new SimClock({ start: clockStart, speed: num('speed') });
  const perMinute = values['rate-limit'] !== undefined ? num('rate-limit') : undefined;
  const events = new FakeEventsApi({
    clock,
    seed,
    accountUuid: scenario.meta.accountUuid,
    rateLimit: perMinute !== undefined ? { perMinute } : undefined,
    randomFaults:
      num('faults') > 0 ? evenFaults(num('faults'), `${String(seed)}-events`) : undefined,
  });
  events.loadScenario(scenario);
  const eventsUrl = await events.start(num('events-port'));
  const eventsToken = events.createToken();

  const connect: Array<{ url: string; serverId: string; token: string; appTokens: string[] }> = [];
  const connectServers: FakeConnectServer[] = [];
  for (const [i, server] of scenario.connectServers.entries()) {
    const fake = new FakeConnectServer({
      clock,
      seed: `${String(seed)}-${i}`,
      serverId: server.id,
      accountUuid: scenario.meta.accountUuid,
      randomFaults:
        num('faults') > 0 ? evenFaults(num('faults'), `${String(seed)}-connect-${i}`) : undefined,
    });
    fake.loadScenario(scenario, { serverId: server.id });
    const basePort = num('connect-port');
    const url = await fake.start(basePort === 0 ? 0 : basePort + i);
    connect.push({
      url,
      serverId: server.id,
      token: fake.createToken(),
      appTokens: scenario.connectTokens.filter((t) => t.serverId === server.id).map((t) => t.jti),
    });
    connectServers.push(fake);
  }

  process.stdout.write(
    `${JSON.stringify(
      {
        eventsApi: { url: eventsUrl, token: eventsToken, accountUuid: events.accountUuid },
        connect,
        clock: { start: new Date(clockStart).toISOString(), speed: clock.speed },
        scenario: {
          ...scenario.meta,
          users: scenario.users.length,
          counts: scenarioCounts(scenario),
          generationMs,
          labels: scenario.labels.map((l) => ({
            kind: l.kind,
            actor: l.actor,
            start: l.start,
            end: l.end,
            events: l.eventUuids.length,
            expectedRule: l.expectedRule,
          })),
        },
      },
      null,
      2,
    )}\n`,
  );

  const shutdown = (): void => {
    void Promise.all([events.stop(), ...connectServers.map((c) => c.stop())]).then(() =>
      process.exit(0),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  });
}
