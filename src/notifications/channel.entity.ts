import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Severity } from '../rules/engine/rule-definition';
import type { ChannelType } from './channels/channel';

/** A place notifications go. Secrets live in `secrets` and never leave the service. */
@Entity('channels')
export class ChannelEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('text') name!: string;
  @Column('text') type!: ChannelType;
  @Column('jsonb') settings!: Record<string, unknown>;
  @Column('jsonb') secrets!: Record<string, string>;
  @Column('text') minSeverity!: Severity;
  @Column('uuid', { array: true }) ruleIds!: string[];
  @Column('text', { array: true }) tags!: string[];
  @Column('boolean') enabled!: boolean;
  @Column('boolean') managedByEnv!: boolean;
  @Column('timestamptz') createdAt!: Date;
  @Column('timestamptz') updatedAt!: Date;
}
