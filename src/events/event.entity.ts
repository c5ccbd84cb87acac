import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { FieldIssue } from './normalize/field-readers';
import type { ActorType, Stream } from './normalize/normalized-event';

/** A stored, normalized 1Password event. Written in batches by EventsRepository. */
@Entity('events')
export class EventEntity {
  @PrimaryColumn({ type: 'bigint' })
  id!: string;

  @Column('text') stream!: Stream;
  @Column('text') externalId!: string;
  @Column('text') sourceId!: string;
  @Column('timestamptz') eventTime!: Date;
  @Column('timestamptz') ingestedAt!: Date;
  @Column('text', { nullable: true }) actorType!: ActorType | null;
  @Column('text', { nullable: true }) actorId!: string | null;
  @Column('text', { nullable: true }) actorEmail!: string | null;
  @Column('text', { nullable: true }) actorName!: string | null;
  @Column('text', { nullable: true }) connectServerId!: string | null;
  @Column('text', { nullable: true }) action!: string | null;
  @Column('text', { nullable: true }) result!: string | null;
  @Column('text', { nullable: true }) resultDetail!: string | null;
  @Column('text', { nullable: true }) objectType!: string | null;
  @Column('text', { nullable: true }) objectId!: string | null;
  @Column('text', { nullable: true }) auxId!: string | null;
  @Column('text', { nullable: true }) vaultId!: string | null;
  @Column('text', { nullable: true }) itemId!: string | null;
  @Column('text', { nullable: true }) sessionId!: string | null;
  @Column('text', { nullable: true }) ip!: string | null;
  @Column('text', { nullable: true }) country!: string | null;
  @Column('text', { nullable: true }) region!: string | null;
  @Column('text', { nullable: true }) city!: string | null;
  @Column('double precision', { nullable: true }) latitude!: number | null;
  @Column('double precision', { nullable: true }) longitude!: number | null;
  @Column('text', { nullable: true }) clientApp!: string | null;
  @Column('text', { nullable: true }) clientVersion!: string | null;
  @Column('text', { nullable: true }) platform!: string | null;
  @Column('text', { nullable: true }) os!: string | null;
  @Column('text', { nullable: true }) userAgent!: string | null;
  @Column('text', { nullable: true }) accountId!: string | null;
  @Column('jsonb') raw!: Record<string, unknown>;
  /** Fields dropped, shortened or made safe on the way in; null when there were none. */
  @Column('jsonb', { nullable: true }) issues!: FieldIssue[] | null;
}
