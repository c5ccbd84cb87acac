import { Logger } from '@nestjs/common';
import { delayAfterFailure, jitteredBackoff } from './backoff';
import {
  EVENTS_API_STREAMS,
  EventsApiClient,
  EventsApiStream,
  resolveEventsUrl,
} from './events-api.client';
import { EventsApiPoller } from './events-api.poller';
import { RateLimiter } from './rate-limiter';
import { RunningSource } from './running-source';
import { accountIdOf } from './source-account';
import { SourceError } from './source-errors';
import { eventsStreamId } from './stream-ids';

const STREAMS = Object.keys(EVENTS_API_STREAMS) as EventsApiStream[];

/**
 * One Events API token: introspected (retrying until it answers) for the streams it may
 * read and the account it belongs to, then one poll loop per stream, all sharing the
 * token's request budget.
 */
export class EventsApiSource extends RunningSource {
  private readonly logger = new Logger(`EventsApiSource ${this.definition.name}`);
  private readonly timeoutName = `introspect:events:${this.definition.name}`;
  private readonly client = new EventsApiClient(
    resolveEventsUrl(this.definition.url ?? undefined, this.definition.token),
    this.definition.token,
    this.context.requestTimeoutMs,
  );

  streamIds(): string[] {
    return STREAMS.map((stream) => eventsStreamId(this.definition.name, stream));
  }

  async start(): Promise<void> {
    for (const stream of STREAMS) {
      await this.context.sources.ensure({
        id: eventsStreamId(this.definition.name, stream),
        sourceName: this.definition.name,
        kind: 'events_api',
        stream,
        endpoint: this.client.baseUrl,
      });
    }
    this.attempt(1);
  }

  override async stop(): Promise<void> {
    this.stopped = true;
    const { registry } = this.context;
    if (registry.doesExist('timeout', this.timeoutName)) registry.deleteTimeout(this.timeoutName);
    await super.stop();
  }

  private attempt(attempt: number): void {
    if (this.stopped) return;
    this.introspectAndPoll()
      .then(() => {
        this.logger.log(`Events API at ${this.client.baseUrl}: polling started`);
      })
      .catch((error: unknown) => {
        if (this.stopped) return;
        const delay =
          error instanceof SourceError
            ? delayAfterFailure(error, attempt)
            : jitteredBackoff(attempt, 1000, 60_000);
        this.logger.error(
          `Events API introspection failed: ${(error as Error).message}; retrying in ${Math.round(delay / 1000)} s`,
        );
        const { registry } = this.context;
        if (registry.doesExist('timeout', this.timeoutName)) {
          registry.deleteTimeout(this.timeoutName);
        }
        registry.addTimeout(
          this.timeoutName,
          setTimeout(() => {
            if (registry.doesExist('timeout', this.timeoutName)) {
              registry.deleteTimeout(this.timeoutName);
            }
            this.attempt(attempt + 1);
          }, delay),
        );
      });
  }

  private async introspectAndPoll(): Promise<void> {
    const { sources, events } = this.context;
    const ids = this.streamIds();
    let introspection;
    try {
      introspection = await this.client.introspect();
    } catch (error) {
      if (error instanceof SourceError) {
        const state = error.kind === 'unauthorized' ? 'failing' : 'backoff';
        for (const id of ids) await sources.markFailed(id, state, error.message);
      }
      throw error;
    }
    if (this.stopped) return;
    const { features } = introspection;
    const accountId = accountIdOf(introspection.accountUuid);
    await sources.setAccount(ids, accountId);
    const limiter = new RateLimiter(this.definition.maxRequestsPerMinute);
    for (const stream of STREAMS) {
      const id = eventsStreamId(this.definition.name, stream);
      const { feature } = EVENTS_API_STREAMS[stream];
      await sources.mergePosition(id, { features });
      if (!features.includes(feature)) {
        await sources.markDisabled(id, `the token lacks the ${feature} feature`);
        continue;
      }
      this.startLoop(
        new EventsApiPoller(
          id,
          stream,
          this.definition.startTime,
          this.client,
          limiter,
          sources,
          events,
          accountId,
        ),
      );
    }
  }
}
