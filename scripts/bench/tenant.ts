import { generateScenario, scenarioCounts } from '../../simulator/scenario/generate-scenario';
import type { Scenario, TimedEvent } from '../../simulator/scenario/types';
import { serveScenario } from '../../simulator/serve-scenario';
import { SimClock } from '../../simulator/sim-clock';
import { normalizeEvent } from '../../src/events/normalize/normalize-event';
import type { NormalizedEvent, Stream } from '../../src/events/normalize/normalized-event';
import { log } from './service';

const DAY_MS = 86_400_000;
/** The simulated "now": the scenario's history ends here. */
export const CLOCK_START = Date.parse('2026-11-01T00:00:00Z');

export interface TenantOptions {
  users: number;
  days: number;
  seed: number;
  /** Share of requests the fakes answer with a 429, a 500, a reset or a slow answer. */
  faults: number;
}

/** A simulated tenant served by a fake Events API and a fake Connect server. */
export interface ServedTenant {
  users: number;
  /** What the fakes serve, normalized as the service stores it: the workload. */
  served: Array<{ sourceId: string; event: NormalizedEvent }>;
  /** The service's environment for reaching the fakes. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * `users` users over `days` days (20 Connect tokens on one server), generated from `seed`, and
 * the fakes started with it. The clock is frozen just after the history ends.
 */
export async function serveTenant(options: TenantOptions): Promise<ServedTenant> {
  const generated = Date.now();
  const scenario = generateScenario({
    seed: options.seed,
    users: options.users,
    start: new Date(CLOCK_START - options.days * DAY_MS),
    end: new Date(CLOCK_START),
    connectServers: 1,
    connectTokens: 20,
  });
  log(`scenario: ${JSON.stringify(scenarioCounts(scenario))} in ${Date.now() - generated} ms`);

  const clock = SimClock.frozen(CLOCK_START + 60_000);
  const { eventsApi, connect } = await serveScenario(scenario, clock, options.faults, 'bench');
  return {
    users: scenario.users.length,
    // Item usages that sync after the frozen clock are not served: the rest is the workload.
    served: servedEvents(scenario, clock.nowMs()),
    env: {
      OP_EVENTS_API_TOKEN: eventsApi.createToken(),
      OP_EVENTS_API_URL: eventsApi.url,
      OP_EVENTS_START_TIME: new Date(CLOCK_START - (options.days + 1) * DAY_MS).toISOString(),
      OP_EVENTS_POLL_INTERVAL: '1',
      // The fake is not rate limited; the real API would cap one token near 10,000 events/s.
      OP_EVENTS_MAX_REQUESTS_PER_MINUTE: '60000',
      OP_CONNECT_URL: connect.url,
      OP_CONNECT_TOKEN: connect.createToken(),
      OP_CONNECT_POLL_INTERVAL: '1',
    },
    stop: async () => {
      await Promise.all([eventsApi.stop(), connect.stop()]);
    },
  };
}

type StreamKey = 'itemUsages' | 'signInAttempts' | 'auditEvents' | 'connectActivity';

const STREAMS_SERVED: Array<[StreamKey, Stream, sourceId: string]> = [
  ['itemUsages', 'item_usage', 'events:item_usage'],
  ['signInAttempts', 'signin_attempt', 'events:signin_attempt'],
  ['auditEvents', 'audit_event', 'events:audit_event'],
  ['connectActivity', 'connect_activity', 'connect:activity'],
];

/** The events the fakes serve by `nowMs`, normalized as the service stores them. */
function servedEvents(
  scenario: Scenario,
  nowMs: number,
): Array<{ sourceId: string; event: NormalizedEvent }> {
  return STREAMS_SERVED.flatMap(([key, stream, sourceId]) =>
    (scenario[key] as ReadonlyArray<TimedEvent<unknown>>)
      .filter((timed) => timed.availableAt <= nowMs)
      .flatMap((timed) => {
        const result = normalizeEvent(stream, timed.raw);
        return result.ok ? [{ sourceId, event: result.event }] : [];
      }),
  );
}
