import { Logger } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { MetricsService } from '../metrics/metrics.service';
import { delayAfterFailure, jitteredBackoff } from './backoff';
import { REQUEST_RETRY, retryInPlace, retryReason, RetryPolicy } from './retry-in-place';
import type { SourceState } from './source.entity';
import { HeartbeatError, SourceError } from './source-errors';
import { CursorMovedError, SourcesRepository } from './sources.repository';

/** What a poller may ask of the loop that runs it. */
export interface PollRun {
  /** True once the process is shutting down: store what was read and return. */
  shouldStop(): boolean;
  /** Sends one request, sending it again in place after a passing failure (counted). */
  request<T>(send: () => Promise<T>, policy?: RetryPolicy): Promise<T>;
}

/** Drains a source: reads pages until it has caught up, each stored with its position. */
export interface Poller {
  readonly sourceId: string;
  drain(run: PollRun): Promise<void>;
}

/**
 * One poll loop per source: drain, then wait the poll interval; after a failure, wait as
 * the failure demands. A tick runs only while this process holds the source's lock, so
 * two processes never poll one stream at once.
 */
export class PollLoop {
  private readonly logger: Logger;
  private stopped = false;
  private current: Promise<void> = Promise.resolve();
  private readonly timeoutName: string;

  constructor(
    private readonly poller: Poller,
    private readonly intervalMs: number,
    private readonly sources: SourcesRepository,
    private readonly registry: SchedulerRegistry,
    private readonly metrics: MetricsService,
  ) {
    this.logger = new Logger(`PollLoop ${poller.sourceId}`);
    this.timeoutName = `poll:${poller.sourceId}`;
  }

  start(): void {
    this.schedule(0);
  }

  /** Stops scheduling and waits for the page in flight to be stored or abandoned. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.registry.doesExist('timeout', this.timeoutName)) {
      this.registry.deleteTimeout(this.timeoutName);
    }
    await this.current;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.registry.doesExist('timeout', this.timeoutName)) {
      this.registry.deleteTimeout(this.timeoutName);
    }
    const handle = setTimeout(() => {
      this.registry.deleteTimeout(this.timeoutName);
      this.current = this.tick();
    }, delayMs);
    this.registry.addTimeout(this.timeoutName, handle);
  }

  private async tick(): Promise<void> {
    const id = this.poller.sourceId;
    let delay = this.intervalMs;
    try {
      const { ran } = await this.sources.withPollLock(id, async () => {
        await this.sources.markPolling(id);
        await this.poller.drain(this.run);
        await this.sources.markIdle(id, new Date(Date.now() + this.intervalMs));
      });
      this.metrics.polls.inc({ source: id, outcome: ran ? 'ok' : 'skipped_locked' });
    } catch (error) {
      delay = await this.onFailure(error);
    }
    this.schedule(delay);
  }

  private readonly run: PollRun = {
    shouldStop: () => this.stopped,
    request: (send, policy = REQUEST_RETRY) =>
      retryInPlace(send, policy, {
        shouldStop: () => this.stopped,
        onRetry: (error, attempt, delay) => this.onRetry(error, attempt, delay),
      }),
  };

  /** A retry is not an outage: counted apart, the source's state and failures untouched. */
  private async onRetry(error: SourceError, attempt: number, delayMs: number): Promise<void> {
    const id = this.poller.sourceId;
    this.metrics.sourceRetries.inc({ source: id, reason: retryReason(error) });
    await this.sources.recordRetry(id, error.message).catch(() => undefined);
    this.logger.warn(`${error.message}; sending it again in ${delayMs} ms (retry ${attempt})`);
  }

  private async onFailure(error: unknown): Promise<number> {
    const id = this.poller.sourceId;
    this.metrics.polls.inc({ source: id, outcome: 'error' });
    this.metrics.pollErrors.inc({ source: id });
    if (error instanceof CursorMovedError) {
      this.logger.warn(error.message);
      return this.intervalMs;
    }
    if (!(error instanceof SourceError)) {
      // Our own database or queue: back off and keep the process alive.
      this.logger.error(`Poll failed: ${error instanceof Error ? error.message : String(error)}`);
      const failures = await this.sources
        .markFailed(id, 'backoff', 'internal error; see the logs')
        .catch(() => 1);
      return jitteredBackoff(failures, 1000, 60_000);
    }
    const state = stateFor(error);
    const failures = await this.sources.markFailed(id, state, error.message).catch(() => 1);
    const delay = delayAfterFailure(error, failures);
    await this.sources.scheduleNext(id, new Date(Date.now() + delay)).catch(() => undefined);
    const text = `${error.message}; attempt ${failures}, next try in ${Math.round(delay / 1000)} s`;
    if (state === 'failing' || state === 'down') this.logger.error(text);
    else this.logger.warn(text);
    return delay;
  }
}

function stateFor(error: SourceError): SourceState {
  if (error instanceof HeartbeatError) return 'down';
  return error.kind === 'unauthorized' ? 'failing' : 'backoff';
}
