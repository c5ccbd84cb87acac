import { Logger } from '@nestjs/common';
import { EventsService } from '../events/events.service';
import type { Rejection } from '../events/events.repository';
import { normalizeBatch } from '../events/normalize-batch';
import type { NormalizedEvent } from '../events/normalize/normalized-event';
import { ActivityPage, ConnectClient } from './connect.client';
import { byAge, inferOrder, judgeSpan, ListingOrder, offsetFor, spanOf } from './connect-listing';
import type { Poller, PollRun } from './poll-loop';
import { HEALTH_CHECK_RETRY } from './retry-in-place';
import type { SourceEntity, SourcePosition } from './source.entity';
import { HeartbeatError, SourceError } from './source-errors';
import { SourcesRepository } from './sources.repository';
import { fillAccount } from './source-account';

/** Requests asked for per page; a server that serves fewer is asked for what it serves. */
export const CONNECT_PAGE_LIMIT = 1000;
/** New requests stored per transaction. */
const STORE_CHUNK = 1000;
/** Requests below the frontier that each page reads again, to check the list did not move. */
const OVERLAP = 10;
/** Pages pushed above the frontier by new requests, in a row, before the walk waits a poll. */
const MAX_GAPS = 20;
/** Newest stored request ids remembered: more than the widest overlap a page reads. */
const REMEMBERED = CONNECT_PAGE_LIMIT;

/** What a walk has read but not yet stored. */
class Pending {
  events: NormalizedEvent[] = [];
  rejections: Rejection[] = [];
  readonly ids = new Set<string>();

  get size(): number {
    return this.events.length + this.rejections.length;
  }

  /** Adds what is not pending already (a page may list a request twice). */
  add(events: NormalizedEvent[], rejections: Rejection[]): void {
    for (const event of events) {
      if (this.ids.has(event.externalId)) continue;
      this.ids.add(event.externalId);
      this.events.push(event);
    }
    this.rejections.push(...rejections);
  }

  clear(): void {
    this.events = [];
    this.rejections = [];
    this.ids.clear();
  }
}

/**
 * The newest request ids this poller has seen committed. A caught-up walk's overlap is
 * exactly these, so checking it needs no query; anything else (a restart, a list that moved)
 * is asked of the database.
 */
class RecentlyStored {
  private readonly ids = new Set<string>();

  has(id: string): boolean {
    return this.ids.has(id);
  }

  /** After a commit: ids in the order stored, oldest first. */
  add(ids: readonly string[]): void {
    for (const id of ids.slice(-REMEMBERED)) {
      this.ids.delete(id);
      this.ids.add(id);
    }
    for (const id of this.ids) {
      if (this.ids.size <= REMEMBERED) break;
      this.ids.delete(id);
    }
  }
}

/**
 * Reads a Connect server's `/v1/activity` from its oldest unstored request to its newest,
 * whichever order the server lists in (told from the timestamps), and stores what is new
 * as it happened, oldest first. The saved frontier (see connect-listing.ts) commits with
 * the requests it covers, so a walk killed at any moment resumes without a hole; request
 * ids dedupe what a page reads twice.
 */
export class ConnectPoller implements Poller {
  private readonly logger: Logger;
  private version = '0';
  private readonly recentlyStored = new RecentlyStored();
  /** The longest page the server serves (its limit is undocumented), learned as it answers. */
  private pageLimit = CONNECT_PAGE_LIMIT;

  constructor(
    readonly sourceId: string,
    private readonly client: ConnectClient,
    private readonly sources: SourcesRepository,
    private readonly events: EventsService,
    /** The server's account: stored on each request that names none itself. */
    private readonly accountId: string | null,
  ) {
    this.logger = new Logger(`ConnectPoller ${sourceId}`);
  }

  async drain(run: PollRun): Promise<void> {
    await this.heartbeat(run);
    const source = await this.load();
    this.version = source.cursorVersion;
    const pending = new Pending();
    const position: SourcePosition = {
      order: source.position.order,
      total: source.position.total,
      frontier: source.position.frontier ?? 0,
    };
    try {
      await this.walk(run, position, pending);
    } catch (error) {
      // What was read before a failure is kept: store it, then let the poll loop decide.
      if (error instanceof SourceError) await this.store(pending, position);
      throw error;
    }
    await this.store(pending, position);
  }

  /** Extends `position.frontier` page by page until it reaches the newest request. */
  private async walk(run: PollRun, position: SourcePosition, pending: Pending): Promise<void> {
    let frontier = position.frontier ?? 0;
    let overlap = OVERLAP;
    let stepBack = CONNECT_PAGE_LIMIT;
    let gaps = 0;
    while (!run.shouldStop()) {
      const order = position.order;
      const limit = this.pageLimit;
      // At most half a page below the frontier, so that every page can reach above it.
      const from = Math.max(0, frontier - Math.max(1, Math.min(overlap, Math.floor(limit / 2))));
      const offset = order ? offsetFor(order, position.total ?? 0, from, limit) : 0;
      const page = await run.request(() => this.client.activity(limit, offset));
      position.order ??= inferOrder(page.items);
      if (!position.order || page.total === null) {
        await this.scan(run, page, pending, position);
        return;
      }
      position.total = page.total;
      const served = page.items.length;
      if (served > 0 && served < limit && offset + served < page.total) {
        // A short page before the list's end: the server's own cap. Ask again within it (a
        // newest-first page asked too long would start above the frontier).
        this.pageLimit = served;
        continue;
      }
      const span = spanOf(position.order, offset, page.items.length, page.total);
      let verdict = judgeSpan(frontier, span, page.total);
      if (verdict === 'accept') {
        const read = await this.read(position.order, page, frontier - span.lo, pending);
        verdict = read.overlapHolds ? 'accept' : 'resync';
        if (read.overlapHolds) pending.add(read.events, read.rejections);
      }
      if (verdict === 'gap') {
        // New requests arrived between two answers: ask again, with a wider overlap.
        if (++gaps > MAX_GAPS) return;
        overlap *= 2;
        continue;
      }
      if (verdict === 'resync') {
        // Retention or a reset moved the list under the frontier: step back until it holds.
        if (frontier === 0) return;
        this.logger.warn(`Activity list moved under the saved position; reading back ${stepBack}`);
        frontier = Math.max(0, frontier - stepBack);
        stepBack *= 2;
        continue;
      }
      gaps = 0;
      const progressed = span.hi > frontier;
      frontier = Math.max(frontier, span.hi);
      position.frontier = frontier;
      if (pending.size >= STORE_CHUNK) await this.store(pending, position);
      if (frontier >= page.total || !progressed) return;
    }
  }

  /**
   * Splits a page, oldest first, at the frontier: the requests below it must all be stored
   * already (else the list moved); those above it that are not are new.
   */
  private async read(
    order: ListingOrder,
    page: ActivityPage,
    overlapCount: number,
    pending: Pending,
  ) {
    const items = byAge(order, page.items);
    const below = normalizeBatch(items.slice(0, Math.max(0, overlapCount)), 'connect_activity');
    const above = normalizeBatch(items.slice(Math.max(0, overlapCount)), 'connect_activity');
    const rejections = above.rejections;
    const remembered = (id: string) => pending.ids.has(id) || this.recentlyStored.has(id);
    // The overlap is what this walk stored last: the list did not move, and every request
    // above the frontier is new (the position commits with the requests it covers).
    if (below.events.length > 0 && below.events.every((event) => remembered(event.externalId))) {
      return { overlapHolds: true, events: above.events, rejections };
    }
    const known = await this.events.knownExternalIds('connect_activity', [
      ...below.events.map((event) => event.externalId),
      ...above.events.map((event) => event.externalId),
    ]);
    const isKnown = (id: string) => known.has(id) || remembered(id);
    return {
      overlapHolds: below.events.every((event) => isKnown(event.externalId)),
      events: above.events.filter((event) => !known.has(event.externalId)),
      rejections,
    };
  }

  /**
   * A server whose order cannot be told yet (a log of one request, identical timestamps) or
   * that sends no Content-Range is read whole at every poll; dedupe keeps it exactly once.
   */
  private async scan(
    run: PollRun,
    first: ActivityPage,
    pending: Pending,
    position: SourcePosition,
  ): Promise<void> {
    let page = first;
    let offset = 0;
    let previousHead: string | undefined;
    position.frontier = 0;
    for (;;) {
      // No total to tell a capped page from the last one: an empty page ends the log. The
      // same page again means a server that ignores the offset: the next poll reads it again.
      const head = JSON.stringify(page.items[0] ?? null);
      if (page.items.length === 0 || head === previousHead) return;
      previousHead = head;
      const batch = normalizeBatch(page.items, 'connect_activity');
      const known = await this.events.knownExternalIds(
        'connect_activity',
        batch.events.map((event) => event.externalId),
      );
      pending.add(
        batch.events.filter((event) => !known.has(event.externalId)),
        batch.rejections,
      );
      if (pending.size >= STORE_CHUNK) await this.store(pending, position);
      offset += page.items.length;
      if (run.shouldStop()) return;
      const next = offset;
      page = await run.request(() => this.client.activity(this.pageLimit, next));
    }
  }

  /** Stores what is pending, oldest first, with the position that covers it. */
  private async store(pending: Pending, position: SourcePosition): Promise<void> {
    const events = pending.events;
    const rejections = pending.rejections;
    pending.clear();
    fillAccount(events, this.accountId);
    const expectedVersion = this.version;
    await this.events.storeBatch(
      { sourceId: this.sourceId, events, rejections },
      async (manager, stored) => {
        this.version = await this.sources.advance(manager, this.sourceId, {
          expectedVersion,
          cursor: null,
          position: { ...position },
          accepted: stored.accepted,
          newestEventTime: stored.newestEventTime,
        });
      },
    );
    this.recentlyStored.add(events.map((event) => event.externalId));
  }

  private async heartbeat(run: PollRun): Promise<void> {
    try {
      await run.request(() => this.client.heartbeat(), HEALTH_CHECK_RETRY);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const kind = error instanceof SourceError ? error.kind : 'unavailable';
      throw new HeartbeatError(
        kind === 'unauthorized' ? kind : 'unavailable',
        `heartbeat failed: ${reason}`,
      );
    }
  }

  private async load(): Promise<SourceEntity> {
    const source = await this.sources.find(this.sourceId);
    if (!source) throw new Error(`Source ${this.sourceId} is not registered`);
    return source;
  }
}
