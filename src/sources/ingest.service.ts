import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  BeforeApplicationShutdown,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { sourcesConfig, SourcesConfig } from '../config/app.config';
import { EventsService } from '../events/events.service';
import { MetricsService } from '../metrics/metrics.service';
import { delayAfterFailure, jitteredBackoff } from './backoff';
import { ConnectClient } from './connect.client';
import { ConnectPoller } from './connect.poller';
import {
  EVENTS_API_STREAMS,
  EventsApiClient,
  EventsApiStream,
  resolveEventsUrl,
} from './events-api.client';
import { EventsApiPoller } from './events-api.poller';
import { PollLoop, Poller } from './poll-loop';
import { RateLimiter } from './rate-limiter';
import { SourceError } from './source-errors';
import { SourcesRepository } from './sources.repository';

export const eventsSourceId = (stream: EventsApiStream) => `events:${stream}`;
export const CONNECT_SOURCE_ID = 'connect:activity';

/**
 * Starts one poll loop per readable stream: the Events API streams the token may read
 * (asked of `/api/v2/auth/introspect`), and the Connect activity log.
 */
@Injectable()
export class IngestService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(IngestService.name);
  private readonly loops: PollLoop[] = [];
  private stopped = false;

  constructor(
    @Inject(sourcesConfig.KEY) private readonly config: SourcesConfig,
    private readonly sources: SourcesRepository,
    private readonly events: EventsService,
    private readonly registry: SchedulerRegistry,
    private readonly metrics: MetricsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.connect) await this.startConnect(this.config.connect);
    if (this.config.events) this.startEventsApi(this.config.events, 1);
    if (!this.config.connect && !this.config.events) {
      this.logger.warn('No 1Password source configured: only pushed events will be ingested');
    }
  }

  // Before the database closes: the page in flight is stored, or abandoned, cleanly.
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.loops.map((loop) => loop.stop()));
  }

  private async startConnect(config: NonNullable<SourcesConfig['connect']>): Promise<void> {
    const baseUrl = config.url.replace(/\/+$/, '');
    await this.sources.ensure(CONNECT_SOURCE_ID, 'connect', 'connect_activity', baseUrl);
    const client = new ConnectClient(baseUrl, config.token, this.config.requestTimeoutMs);
    this.startLoop(
      new ConnectPoller(CONNECT_SOURCE_ID, client, this.sources, this.events),
      config.pollIntervalMs,
    );
  }

  /** Introspects the token, retrying until it answers, then polls the streams it grants. */
  private startEventsApi(config: NonNullable<SourcesConfig['events']>, attempt: number): void {
    if (this.stopped) return;
    const client = new EventsApiClient(
      resolveEventsUrl(config.url, config.token),
      config.token,
      this.config.requestTimeoutMs,
    );
    this.introspectAndPoll(client, config)
      .then(() => {
        this.logger.log(`Events API at ${client.baseUrl}: polling started`);
      })
      .catch((error: unknown) => {
        const delay =
          error instanceof SourceError
            ? delayAfterFailure(error, attempt)
            : jitteredBackoff(attempt, 1000, 60_000);
        this.logger.error(
          `Events API introspection failed: ${(error as Error).message}; retrying in ${Math.round(delay / 1000)} s`,
        );
        const name = 'introspect:events';
        if (this.registry.doesExist('timeout', name)) this.registry.deleteTimeout(name);
        this.registry.addTimeout(
          name,
          setTimeout(() => {
            this.startEventsApi(config, attempt + 1);
          }, delay),
        );
      });
  }

  private async introspectAndPoll(
    client: EventsApiClient,
    config: NonNullable<SourcesConfig['events']>,
  ): Promise<void> {
    const streams = Object.keys(EVENTS_API_STREAMS) as EventsApiStream[];
    for (const stream of streams) {
      await this.sources.ensure(eventsSourceId(stream), 'events_api', stream, client.baseUrl);
    }
    let features: string[];
    try {
      ({ features } = await client.introspect());
    } catch (error) {
      if (error instanceof SourceError) {
        for (const stream of streams) {
          await this.sources.markFailed(
            eventsSourceId(stream),
            error.kind === 'unauthorized' ? 'failing' : 'backoff',
            error.message,
          );
        }
      }
      throw error;
    }
    const limiter = new RateLimiter(config.maxRequestsPerMinute);
    for (const stream of streams) {
      const id = eventsSourceId(stream);
      const { feature } = EVENTS_API_STREAMS[stream];
      await this.sources.mergePosition(id, { features });
      if (!features.includes(feature)) {
        await this.sources.markDisabled(id, `the token lacks the ${feature} feature`);
        continue;
      }
      const poller = new EventsApiPoller(
        id,
        stream,
        config.startTime,
        client,
        limiter,
        this.sources,
        this.events,
      );
      this.startLoop(poller, config.pollIntervalMs);
    }
  }

  private startLoop(poller: Poller, intervalMs: number): void {
    if (this.stopped) return;
    const loop = new PollLoop(poller, intervalMs, this.sources, this.registry, this.metrics);
    this.loops.push(loop);
    loop.start();
  }
}
