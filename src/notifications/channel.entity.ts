import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Severity } from '../rules/engine/rule-definition';

/** A place notifications go. Secrets live in `secrets` and never leave the service. */
@Entity('channels')
export class ChannelEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('text') name!: string;
  /**
   * Checked against the channel registry on write; a row written by a newer version may hold
   * a type this one does not know, which delivery fails with its reason.
   */
  @Column('text') type!: string;
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
