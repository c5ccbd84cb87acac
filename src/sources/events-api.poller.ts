import { Logger } from '@nestjs/common';
import { EventsService } from '../events/events.service';
import { normalizeBatch } from '../events/normalize-batch';
import {
  EVENTS_API_PAGE_LIMIT,
  EventsApiClient,
  EventsApiPage,
  EventsApiRequest,
  EventsApiStream,
} from './events-api.client';
import type { Poller, PollRun } from './poll-loop';
import { RateLimiter } from './rate-limiter';
import type { SourceEntity } from './source.entity';
import { SourceError } from './source-errors';
import { SourcesRepository } from './sources.repository';
import { fillAccount } from './source-account';

/** How far back a reset cursor reaches before the newest stored event: late item usages. */
const RESET_OVERLAP_MS = 24 * 3_600_000;

/**
 * Drains one Events API stream. The cursor, never the event time, is the checkpoint (item
 * usages arrive late), and it is saved in the transaction that stores its page: a page is
 * stored before the next request, so a failure or a crash loses no page already read.
 */
export class EventsApiPoller implements Poller {
  private readonly logger: Logger;

  constructor(
    readonly sourceId: string,
    private readonly stream: EventsApiStream,
    private readonly startTime: Date,
    private readonly client: EventsApiClient,
    private readonly limiter: RateLimiter,
    private readonly sources: SourcesRepository,
    private readonly events: EventsService,
    /** The account introspection named: stored on each event that names none itself. */
    private readonly accountId: string | null,
  ) {
    this.logger = new Logger(`EventsApiPoller ${sourceId}`);
  }

  async drain(run: PollRun): Promise<void> {
    let source = await this.load();
    let resetOnce = false;
    while (!run.shouldStop()) {
      const request: EventsApiRequest = source.cursor
        ? { cursor: source.cursor }
        : { limit: EVENTS_API_PAGE_LIMIT, start_time: this.resetStart(source).toISOString() };
      let page: EventsApiPage;
      try {
        page = await run.request(async () => {
          await this.limiter.take();
          return this.client.page(this.stream, request);
        });
      } catch (error) {
        // An expired or unknown cursor: start again shortly before what we hold; dedupe does the rest.
        if (
          error instanceof SourceError &&
          error.kind === 'rejected' &&
          source.cursor &&
          !resetOnce
        ) {
          resetOnce = true;
          this.logger.warn(
            `Cursor refused (${error.message}); resetting from the newest stored event`,
          );
          await this.sources.mergePosition(this.sourceId, { resetReason: error.message }, null);
          source = await this.load();
          continue;
        }
        throw error;
      }
      source = await this.store(source, page);
      if (!page.has_more) return;
    }
  }

  private async store(source: SourceEntity, page: EventsApiPage): Promise<SourceEntity> {
    const batch = normalizeBatch(page.items, this.stream);
    fillAccount(batch.events, this.accountId);
    const pagesRead = (source.position.pagesRead ?? 0) + 1;
    const position = {
      pagesRead,
      cursorSavedAt: new Date().toISOString(),
      startTime: source.position.startTime ?? this.startTime.toISOString(),
    };
    let version = source.cursorVersion;
    await this.events.storeBatch({ sourceId: this.sourceId, ...batch }, async (manager, stored) => {
      version = await this.sources.advance(manager, this.sourceId, {
        expectedVersion: source.cursorVersion,
        cursor: page.cursor,
        position,
        accepted: stored.accepted,
        newestEventTime: stored.newestEventTime,
      });
    });
    source.cursor = page.cursor;
    source.cursorVersion = version;
    source.position = { ...source.position, ...position };
    return source;
  }

  private resetStart(source: SourceEntity): Date {
    if (!source.newestEventAt) return this.startTime;
    return new Date(
      Math.max(this.startTime.getTime(), source.newestEventAt.getTime() - RESET_OVERLAP_MS),
    );
  }

  private async load(): Promise<SourceEntity> {
    const source = await this.sources.find(this.sourceId);
    if (!source) throw new Error(`Source ${this.sourceId} is not registered`);
    return source;
  }
}
