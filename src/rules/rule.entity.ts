import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { RuleDefinition } from './engine/rule-definition';

@Entity('rules')
export class RuleEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('text', { nullable: true }) templateId!: string | null;
  @Column('integer') version!: number;
  @Column('jsonb') definition!: RuleDefinition;
  @Column('timestamptz') createdAt!: Date;
  @Column('timestamptz') updatedAt!: Date;
  @Column('timestamptz', { nullable: true }) deletedAt!: Date | null;
  /** The last error the rule raised while judging a batch (no event data, no secrets). */
  @Column('text', { nullable: true }) lastError!: string | null;
  @Column('timestamptz', { nullable: true }) lastErrorAt!: Date | null;
  /** Batches the rule failed to judge, since it was created. */
  @Column('bigint') failureCount!: string;
}
