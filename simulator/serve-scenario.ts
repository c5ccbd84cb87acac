import { FakeConnectServer } from './fake-connect';
import { FakeEventsApi } from './fake-events-api';
import { evenFaults } from './fake-http';
import type { Scenario } from './scenario/types';
import type { SimClock } from './sim-clock';

/** A scenario's account served as 1Password would: its Events API and its first Connect server. */
export interface ServedScenario {
  eventsApi: FakeEventsApi;
  connect: FakeConnectServer;
}

/**
 * Starts the fake Events API and Connect server loaded with `scenario`, on `clock`. `faults`
 * is the share of requests each answers with a 429, a 500, a reset or a slow answer (0: none);
 * `faultSeed` names the fault sequences (`<faultSeed>-events`, `<faultSeed>-connect`).
 */
export async function serveScenario(
  scenario: Scenario,
  clock: SimClock,
  faults: number,
  faultSeed: string,
): Promise<ServedScenario> {
  const eventsApi = new FakeEventsApi({
    clock,
    seed: 1,
    accountUuid: scenario.meta.accountUuid,
    randomFaults: faults > 0 ? evenFaults(faults, `${faultSeed}-events`) : undefined,
  });
  eventsApi.loadScenario(scenario);
  await eventsApi.start();
  const [server] = scenario.connectServers;
  const connect = new FakeConnectServer({
    clock,
    seed: 1,
    serverId: server.id,
    accountUuid: scenario.meta.accountUuid,
    randomFaults: faults > 0 ? evenFaults(faults, `${faultSeed}-connect`) : undefined,
  });
  connect.loadScenario(scenario, { serverId: server.id });
  await connect.start();
  return { eventsApi, connect };
}
