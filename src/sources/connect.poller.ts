import { EventsService } from '../events/events.service';
import type { IndexedRejection } from '../events/normalize-batch';
import { normalizeBatch } from '../events/normalize-batch';
import type { NormalizedEvent } from '../events/normalize/normalized-event';
import { ConnectClient } from './connect.client';
import type { Poller } from './poll-loop';
import type { SourceEntity, SourcePosition } from './source.entity';
import { HeartbeatError, SourceError } from './source-errors';
import { SourcesRepository } from './sources.repository';

export const CONNECT_PAGE_LIMIT = 100;
/** New requests gathered before they are stored; a larger log is read over several polls. */
const MAX_GATHERED = 10_000;
const STORE_CHUNK = 1000;

type Order = NonNullable<SourcePosition['order']>;

/**
 * Reads a Connect server's `/v1/activity`. Its order and retention are undocumented, so
 * request ids dedupe, and paging goes on until a page brings nothing new (newest first)
 * or the end of the list (oldest first, starting near the previous total). What is new is
 * stored oldest first, as it happened: windowed rules then see a burst in its own order.
 */
export class ConnectPoller implements Poller {
  constructor(
    readonly sourceId: string,
    private readonly client: ConnectClient,
    private readonly sources: SourcesRepository,
    private readonly events: EventsService,
  ) {}

  async drain(shouldStop: () => boolean): Promise<void> {
    await this.heartbeat();
    const source = await this.load();
    let order = source.position.order;
    let offset = this.startOffset(source);
    let total: number | null = null;
    let resume = source.position.resume ?? null;
    let resuming = false;
    const fresh = new Map<string, NormalizedEvent>();
    const rejections: IndexedRejection[] = [];
    for (;;) {
      if (shouldStop() || fresh.size >= MAX_GATHERED) {
        // Gathered enough for one poll: the next one reads the new head, then goes on here.
        resume = total === null ? resume : { offset, total };
        break;
      }
      const page = await this.client.activity(CONNECT_PAGE_LIMIT, offset);
      total = page.total;
      if (offset > 0 && page.items.length === 0 && page.total !== null && page.total < offset) {
        offset = 0; // the list shrank under us (retention or restart): read it again from the top
        continue;
      }
      order ??= inferOrder(page.items);
      const batch = normalizeBatch(page.items, 'connect_activity');
      rejections.push(...batch.rejections);
      const known = await this.events.knownExternalIds(
        'connect_activity',
        batch.events.map((event) => event.externalId),
      );
      const news = batch.events.filter(
        (event) => !known.has(event.externalId) && !fresh.has(event.externalId),
      );
      for (const event of news) fresh.set(event.externalId, event);
      offset += page.items.length;
      if (page.items.length < CONNECT_PAGE_LIMIT) {
        resume = null;
        break;
      }
      if (order === 'newest_first' && news.length === 0 && !resuming) {
        if (!resume || page.total === null) break;
        // Newer entries pushed the unfinished part further down by as many places.
        offset = resume.offset + Math.max(0, page.total - resume.total);
        resuming = true;
      }
    }
    await this.store(source, [...fresh.values()], rejections, {
      total: total ?? undefined,
      order,
      resume,
    });
  }

  /** Stores the gathered requests in event-time order, the position with the last chunk. */
  private async store(
    source: SourceEntity,
    events: NormalizedEvent[],
    rejections: IndexedRejection[],
    position: SourcePosition,
  ): Promise<void> {
    events.sort((a, b) => a.eventTime.getTime() - b.eventTime.getTime());
    let version = source.cursorVersion;
    for (let start = 0; start === 0 || start < events.length; start += STORE_CHUNK) {
      const chunk = events.slice(start, start + STORE_CHUNK);
      const expectedVersion = version;
      await this.events.storeBatch(
        { sourceId: this.sourceId, events: chunk, rejections: start === 0 ? rejections : [] },
        async (manager, stored) => {
          version = await this.sources.advance(manager, this.sourceId, {
            expectedVersion,
            cursor: null,
            position,
            accepted: stored.accepted,
            newestEventTime: stored.newestEventTime,
          });
        },
      );
    }
  }

  private async heartbeat(): Promise<void> {
    try {
      await this.client.heartbeat();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const kind = error instanceof SourceError ? error.kind : 'unavailable';
      throw new HeartbeatError(
        kind === 'unauthorized' ? kind : 'unavailable',
        `heartbeat failed: ${reason}`,
      );
    }
  }

  /** Oldest first: the new entries are at the end, so start one page before the last total. */
  private startOffset(source: SourceEntity): number {
    const { order, total } = source.position;
    return order === 'oldest_first' && total ? Math.max(0, total - CONNECT_PAGE_LIMIT) : 0;
  }

  private async load(): Promise<SourceEntity> {
    const source = await this.sources.find(this.sourceId);
    if (!source) throw new Error(`Source ${this.sourceId} is not registered`);
    return source;
  }
}

/** Reads the server's listing order off a page's timestamps; undefined while it cannot tell. */
export function inferOrder(items: readonly unknown[]): Order | undefined {
  const times = items
    .map((item) => Date.parse(String((item as { timestamp?: unknown } | null)?.timestamp)))
    .filter((time) => !Number.isNaN(time));
  if (times.length < 2 || times[0] === times[times.length - 1]) return undefined;
  return times[0] > times[times.length - 1] ? 'newest_first' : 'oldest_first';
}
