import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { SourceKind } from '../config/source-definition';
import type { Stream } from '../events/normalize/normalized-event';

export type { SourceKind };
/**
 * idle: waiting for its next poll; polling: draining pages; backoff: a passing failure
 * (429, 5xx, unreachable); failing: the token was refused; down: the Connect heartbeat
 * fails; disabled: the token may not read this stream.
 */
export const SOURCE_STATES = ['idle', 'polling', 'backoff', 'failing', 'down', 'disabled'] as const;
export type SourceState = (typeof SOURCE_STATES)[number];

/** Where a source stands, for humans: never the cursor itself. */
export interface SourcePosition {
  startTime?: string;
  cursorSavedAt?: string;
  pagesRead?: number;
  resetReason?: string;
  /** Connect: Content-Range total at the last poll, and the order the server lists in. */
  total?: number;
  order?: 'newest_first' | 'oldest_first';
  /** Connect: how many of the oldest listed requests are stored; the next walk starts there. */
  frontier?: number;
  features?: string[];
}

@Entity('sources')
export class SourceEntity {
  @PrimaryColumn('text') id!: string;
  /** The named source this stream belongs to (`default`: the OP_* variables). */
  @Column('text') sourceName!: string;
  /** The 1Password account read, upper-case: introspection, or the Connect token's claim. */
  @Column('text', { nullable: true }) accountId!: string | null;
  @Column('text') kind!: SourceKind;
  @Column('text') stream!: Stream;
  @Column('text') endpoint!: string;
  @Column('text') state!: SourceState;
  @Column('text', { nullable: true }) cursor!: string | null;
  @Column('bigint') cursorVersion!: string;
  @Column('jsonb') position!: SourcePosition;
  @Column('timestamptz', { nullable: true }) lastPollAt!: Date | null;
  @Column('timestamptz', { nullable: true }) lastSuccessAt!: Date | null;
  @Column('text', { nullable: true }) lastError!: string | null;
  @Column('timestamptz', { nullable: true }) lastErrorAt!: Date | null;
  @Column('integer') consecutiveFailures!: number;
  /** Requests sent again after a passing failure (429, 5xx, reset, timeout), ever. */
  @Column('bigint') retries!: string;
  @Column('timestamptz', { nullable: true }) lastRetryAt!: Date | null;
  @Column('text', { nullable: true }) lastRetryError!: string | null;
  @Column('timestamptz', { nullable: true }) nextPollAt!: Date | null;
  @Column('bigint') eventsStored!: string;
  @Column('timestamptz', { nullable: true }) newestEventAt!: Date | null;
  @Column('timestamptz') createdAt!: Date;
  @Column('timestamptz') updatedAt!: Date;
}
