import type { FakeConnectServer } from '../../simulator/fake-connect';
import type { FakeEventsApi } from '../../simulator/fake-events-api';

/**
 * The settings that point vaultwatch at a fake Events API and a fake Connect server, reading
 * from `startMs`, polling twice a second, with the request budget a simulated tenant needs.
 */
export function pollingEnv(
  eventsApi: FakeEventsApi,
  connect: FakeConnectServer,
  startMs: number,
): Record<string, string> {
  return {
    OP_EVENTS_API_TOKEN: eventsApi.createToken(),
    OP_EVENTS_API_URL: eventsApi.url,
    OP_EVENTS_START_TIME: new Date(startMs).toISOString(),
    OP_EVENTS_POLL_INTERVAL: '0.5',
    OP_EVENTS_MAX_REQUESTS_PER_MINUTE: '6000',
    OP_CONNECT_URL: connect.url,
    OP_CONNECT_TOKEN: connect.createToken(),
    OP_CONNECT_POLL_INTERVAL: '0.5',
  };
}
