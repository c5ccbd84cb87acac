import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { IncidentStatus } from './incident-status';
import type { Severity } from '../rules/engine/rule-definition';

@Entity('incidents')
export class IncidentEntity {
  @PrimaryColumn('bigint') id!: string;
  @Column('text') dedupKey!: string;
  @Column('uuid') ruleId!: string;
  @Column('text') groupKey!: string;
  @Column('text', { nullable: true }) actorId!: string | null;
  @Column('text', { nullable: true }) actorLabel!: string | null;
  @Column('text') title!: string;
  @Column('text') severity!: Severity;
  @Column('text') status!: IncidentStatus;
  @Column('integer') alertCount!: number;
  @Column('timestamptz') firstAlertAt!: Date;
  @Column('timestamptz') lastAlertAt!: Date;
  @Column('timestamptz', { nullable: true }) snoozedUntil!: Date | null;
  @Column('text', { nullable: true }) acknowledgedBy!: string | null;
  @Column('timestamptz', { nullable: true }) acknowledgedAt!: Date | null;
  @Column('text', { nullable: true }) resolvedBy!: string | null;
  @Column('timestamptz', { nullable: true }) resolvedAt!: Date | null;
  @Column('bigint', { nullable: true }) previousIncidentId!: string | null;
  @Column('timestamptz', { nullable: true }) lastNotifiedAt!: Date | null;
  @Column('text', { array: true }) tags!: string[];
  @Column('timestamptz') createdAt!: Date;
  @Column('timestamptz') updatedAt!: Date;
}
