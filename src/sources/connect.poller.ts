import { EventsService } from '../events/events.service';
import { normalizeBatch } from '../events/normalize-batch';
import { ConnectClient } from './connect.client';
import type { Poller } from './poll-loop';
import type { SourceEntity, SourcePosition } from './source.entity';
import { HeartbeatError, SourceError } from './source-errors';
import { SourcesRepository } from './sources.repository';

export const CONNECT_PAGE_LIMIT = 100;

type Order = NonNullable<SourcePosition['order']>;

/**
 * Reads a Connect server's `/v1/activity`. Its order and retention are undocumented, so
 * request ids dedupe, and paging goes on until a page brings nothing new (newest first)
 * or the end of the list (oldest first, starting near the previous total).
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
    while (!shouldStop()) {
      const page = await this.client.activity(CONNECT_PAGE_LIMIT, offset);
      if (offset > 0 && page.items.length === 0 && page.total !== null && page.total < offset) {
        offset = 0; // the list shrank under us (retention or restart): read it again from the top
        continue;
      }
      order ??= inferOrder(page.items);
      const batch = normalizeBatch(page.items, 'connect_activity');
      let accepted = 0;
      let version = source.cursorVersion;
      const position: SourcePosition = { total: page.total ?? undefined, order };
      await this.events.storeBatch(
        { sourceId: this.sourceId, ...batch },
        async (manager, stored) => {
          accepted = stored.accepted;
          version = await this.sources.advance(manager, this.sourceId, {
            expectedVersion: source.cursorVersion,
            cursor: null,
            position,
            accepted: stored.accepted,
            newestEventTime: stored.newestEventTime,
          });
        },
      );
      source.cursorVersion = version;
      source.position = { ...source.position, ...position };
      offset += page.items.length;
      if (page.items.length < CONNECT_PAGE_LIMIT) return;
      if (order === 'newest_first' && accepted === 0) return;
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
